import { ReadinessProbe } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { INITIAL_READINESS, nextReadiness, probeSettings, type ReadinessState, type ReadinessStep } from './readiness';

describe('probeSettings', () => {
  it.each([
    { probe: undefined, want: { path: '', initialDelayMs: 0, periodMs: 2_000, timeoutMs: 1_000, failureThreshold: 3, startupPeriodMs: 250 } },
    {
      probe: ReadinessProbe.fromPartial({ path: '/healthz', periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 1, initialDelaySeconds: 3 }),
      want: { path: '/healthz', initialDelayMs: 3_000, periodMs: 5_000, timeoutMs: 2_000, failureThreshold: 1, startupPeriodMs: 250 },
    },
    { probe: ReadinessProbe.fromPartial({ path: '/ready' }), want: { path: '/ready', initialDelayMs: 0, periodMs: 2_000, timeoutMs: 1_000, failureThreshold: 3, startupPeriodMs: 250 } },
  ])('applies the defaults to $probe', ({ probe, want }) => {
    expect(probeSettings(probe)).toEqual(want);
  });

  it('never probes faster than the period before the first success', () => {
    expect(probeSettings(ReadinessProbe.fromPartial({ periodSeconds: 1 })).startupPeriodMs).toBe(250);
  });
});

describe('nextReadiness', () => {
  // The worked example of nextReadiness: threshold 3, period 2 s, startup period 250 ms.
  const settings = probeSettings(ReadinessProbe.fromPartial({ path: '/healthz', periodSeconds: 2, failureThreshold: 3 }));
  const steps: { ok: boolean; want: Pick<ReadinessStep, 'flipped' | 'failing' | 'nextDelayMs'> & { ready: boolean; failures: number } }[] = [
    { ok: false, want: { ready: false, failures: 1, flipped: undefined, failing: false, nextDelayMs: 250 } },
    { ok: false, want: { ready: false, failures: 2, flipped: undefined, failing: false, nextDelayMs: 250 } },
    { ok: false, want: { ready: false, failures: 3, flipped: undefined, failing: true, nextDelayMs: 250 } },
    { ok: true, want: { ready: true, failures: 0, flipped: 'ready', failing: false, nextDelayMs: 2_000 } },
    { ok: false, want: { ready: true, failures: 1, flipped: undefined, failing: false, nextDelayMs: 2_000 } },
    { ok: false, want: { ready: true, failures: 2, flipped: undefined, failing: false, nextDelayMs: 2_000 } },
    { ok: true, want: { ready: true, failures: 0, flipped: undefined, failing: false, nextDelayMs: 2_000 } },
    { ok: false, want: { ready: true, failures: 1, flipped: undefined, failing: false, nextDelayMs: 2_000 } },
    { ok: false, want: { ready: true, failures: 2, flipped: undefined, failing: false, nextDelayMs: 2_000 } },
    { ok: false, want: { ready: false, failures: 3, flipped: 'unready', failing: true, nextDelayMs: 2_000 } },
    { ok: false, want: { ready: false, failures: 4, flipped: undefined, failing: true, nextDelayMs: 2_000 } },
    { ok: true, want: { ready: true, failures: 0, flipped: 'ready', failing: false, nextDelayMs: 2_000 } },
  ];

  it('follows the worked example probe by probe', () => {
    let state: ReadinessState = INITIAL_READINESS;
    steps.forEach(({ ok, want }, i) => {
      const step = nextReadiness(state, ok, settings);
      expect({ i, ready: step.state.ready, failures: step.state.failures, flipped: step.flipped, failing: step.failing, nextDelayMs: step.nextDelayMs }).toEqual({ i, ...want });
      state = step.state;
    });
  });

  it('takes a ready process out at once with a threshold of 1', () => {
    const strict = { ...settings, failureThreshold: 1 };
    const ready = nextReadiness(INITIAL_READINESS, true, strict).state;
    expect(nextReadiness(ready, false, strict)).toMatchObject({ flipped: 'unready', failing: true, state: { ready: false } });
  });
});
