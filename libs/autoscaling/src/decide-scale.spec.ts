import { Autoscaling, LoadSignal } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { resolveAutoscalingPolicy, type AutoscalingPolicy } from './autoscaling-policy';
import { decideScale, type ScaleReason } from './decide-scale';
import { EMPTY_SCALER_STATE, type ScalerState } from './scaler-state';
import { directionChanges, noise, simulate } from './testing/scale-simulation';

const S = 1_000;
const policy = (spec: Partial<Autoscaling> = {}): AutoscalingPolicy => resolveAutoscalingPolicy(Autoscaling.fromPartial({ minReplicas: 1, maxReplicas: 100, targetLoad: 4, ...spec }));

/** A state whose windows hold `total` in flight (as up and down) every second of the last `seconds`. */
function steady(total: number, seconds: number, now: number, extra: Partial<ScalerState> = {}): ScalerState {
  const samples = Array.from({ length: seconds }, (_, i) => ({ at: now - (seconds - 1 - i) * S - S, up: [total], down: [total] }));
  return { ...EMPTY_SCALER_STATE, samples, observingSince: now - seconds * S, lastObservedAt: now - S, lastBusyAt: total > 0 ? now - S : undefined, ...extra };
}

const observation = (total: number, busy = total > 0) => ({ up: [total], down: [total], busy });

describe('decideScale: one decision', () => {
  const now = 1_000 * S;
  // Each case: a state of steady load for a while, then one decision (target 4 in flight per replica).
  it.each<{ name: string; spec?: Partial<Autoscaling>; total: number; seconds: number; current: number; ready?: number; requested?: number; state?: Partial<ScalerState>; want: number; reason: ScaleReason }>([
    // Worked example, first step: 38 / (4 * 5) = 1.9 -> ceil(38 / 4) = 10; the panic window asks 10 >= 2 x 5.
    { name: 'worked example: 38 in flight over 5 -> 10 (panic)', total: 38, seconds: 60, current: 5, want: 10, reason: 'Panic' },
    { name: '26 over 5: 1.3 -> ceil(6.5) = 7, below 2x: stable scale-up', total: 26, seconds: 60, current: 5, want: 7, reason: 'ScaleUp' },
    { name: 'within the tolerance band (21 / 20 = 1.05): hold', total: 21, seconds: 60, current: 5, want: 5, reason: 'Hold' },
    { name: 'within the band below (18.5 / 20 = 0.925): hold', total: 18.5, seconds: 400, current: 5, want: 5, reason: 'Hold' },
    { name: 'a wider band (tolerance 0.5) holds 1.3', spec: { tolerance: 0.5 }, total: 26, seconds: 60, current: 5, want: 5, reason: 'Hold' },
    { name: 'up to maxReplicas at most', spec: { maxReplicas: 8 }, total: 400, seconds: 60, current: 5, want: 8, reason: 'Panic' },
    { name: 'down after a whole stabilization window of low load: 8 over 10 -> 2, at most 50 % a step', total: 8, seconds: 400, current: 10, want: 5, reason: 'ScaleDown' },
    { name: 'down no lower than min', spec: { minReplicas: 7 }, total: 8, seconds: 400, current: 10, want: 7, reason: 'ScaleDown' },
    { name: 'down held while the observed time is shorter than the stabilization window', total: 8, seconds: 200, current: 10, want: 10, reason: 'Hold' },
    { name: 'down held when the window recommended more', total: 8, seconds: 400, current: 10, state: { recommendations: [{ at: now - 100 * S, replicas: 10 }] }, want: 10, reason: 'Hold' },
    { name: 'down held within the step period', total: 8, seconds: 400, current: 10, state: { lastScaleDownAt: now - 10 * S }, want: 10, reason: 'Hold' },
    { name: 'no scale-down while panicking', total: 8, seconds: 400, current: 10, state: { panicUntil: now + 30 * S }, want: 10, reason: 'Hold' },
    { name: 'above max after a spec change: back to max', spec: { maxReplicas: 4 }, total: 8, seconds: 60, current: 9, want: 4, reason: 'Bounds' },
    { name: 'below min after a spec change: up to min', spec: { minReplicas: 6 }, total: 8, seconds: 60, current: 3, want: 6, reason: 'Bounds' },
    { name: 'a request above the load wins', total: 8, seconds: 60, current: 2, requested: 6, want: 6, reason: 'Requested' },
    { name: 'a request below the load does not', total: 40, seconds: 60, current: 10, requested: 3, want: 10, reason: 'Hold' },
    { name: '1 -> N with none Ready yet: pending count as capacity (8 / 4 = 2 on the way)', total: 8, seconds: 60, current: 2, ready: 0, want: 2, reason: 'Hold' },
  ])('$name', ({ spec, total, seconds, current, ready, requested, state, want, reason }) => {
    const decision = decideScale(policy(spec), steady(total, seconds, now, state), { now, current, ready: ready ?? current, observation: observation(total), requested });
    expect({ replicas: decision.replicas, reason: decision.reason }).toEqual({ replicas: want, reason });
  });

  it.each<{ name: string; spec?: Partial<Autoscaling>; busy: boolean; requested?: number; want: number; reason: ScaleReason }>([
    { name: 'demand at zero: 1 at once (0 -> 1 apart from 1 -> N)', spec: { minReplicas: 0 }, busy: true, want: 1, reason: 'ScaleFromZero' },
    { name: 'a request at zero: its count at once', spec: { minReplicas: 0 }, busy: false, requested: 3, want: 3, reason: 'ScaleFromZero' },
    { name: 'no demand at zero: stay', spec: { minReplicas: 0 }, busy: false, want: 0, reason: 'Hold' },
    { name: 'at zero below min (min raised): to min', spec: { minReplicas: 2 }, busy: false, want: 2, reason: 'Bounds' },
  ])('$name', ({ spec, busy, requested, want, reason }) => {
    // A fresh state: from zero needs no window at all.
    const decision = decideScale(policy(spec), EMPTY_SCALER_STATE, { now, current: 0, ready: 0, observation: observation(busy ? 3 : 0, busy), requested });
    expect({ replicas: decision.replicas, reason: decision.reason }).toEqual({ replicas: want, reason });
  });

  it('with no report at all it holds, whatever the windows once said', () => {
    const stale = steady(4, 400, now - 200 * S);
    expect(decideScale(policy(), stale, { now, current: 10, ready: 10 })).toMatchObject({ replicas: 10, reason: 'Hold' });
  });

  it('with several metrics the largest count wins', () => {
    const p = resolveAutoscalingPolicy(
      Autoscaling.fromPartial({ minReplicas: 1, maxReplicas: 100, targetLoad: 4, metrics: [{ signal: LoadSignal.LOAD_SIGNAL_GAUGE, gauge: 'kv-cache', target: 0.8 }] }),
    );
    // In-flight 12 over 4 -> 3 (within 2x: no panic); KV-cache summed 4.4 over 4 replicas at 0.8 each -> ceil(5.5) = 6.
    const samples = Array.from({ length: 60 }, (_, i) => ({ at: now - (60 - i) * S, up: [12, 4.4], down: [12, 4.4] }));
    const state = { ...EMPTY_SCALER_STATE, samples, observingSince: now - 60 * S, lastObservedAt: now - S };
    const decision = decideScale(p, state, { now, current: 4, ready: 4, observation: { up: [12, 4.4], down: [12, 4.4], busy: true } });
    expect(decision).toMatchObject({ replicas: 6, reason: 'ScaleUp' });
    expect(decision.message).toContain('gauge:kv-cache');
  });
});

describe('decideScale over time', () => {
  it('never doubles again on replicas that are not Ready yet (the AIBrix 2 -> 4 -> 8 -> 16 bug)', () => {
    // 16 in flight at target 4 needs 4; new replicas take 60 s and report nothing meanwhile. An
    // autoscaler multiplying the spec count by the load per Ready replica would ask 4, then
    // 4 x 8 / 4 = 8, then 16.
    const ticks = simulate({ policy: policy(), replicas: 2, load: () => 16, launchMs: 60 * S, durationMs: 180 * S });
    expect(Math.max(...ticks.map((t) => t.decision.replicas))).toBe(4);
    expect(ticks[0]!.decision).toMatchObject({ replicas: 4, reason: 'Panic' });
    expect(ticks.at(-1)).toMatchObject({ replicas: 4, ready: 4 });
  });

  it('makes no direction change under noisy load (+-20 % around a level)', () => {
    // 10 replicas at target 4 serve 40 in flight; each tick sees 32..48. The stable average stays
    // inside the band, the panic window never asks for 20, and the stabilization window keeps
    // any scale-down from following a dip.
    const next = noise(42);
    const ticks = simulate({ policy: policy(), replicas: 10, load: (t) => (t < 120 * S ? 40 : 40 * (1 + 0.2 * next())), durationMs: 1_800 * S });
    expect(directionChanges(ticks)).toBe(0);
    expect(new Set(ticks.map((t) => t.decision.replicas))).toEqual(new Set([10]));
  });

  it('follows the worked example over time: panic up at once, then down only after the window, step by step', () => {
    // 5 replicas at 20 in flight (on target); at 60 s the load steps to 44; at 300 s it drops to 19 (5 wanted).
    const ticks = simulate({ policy: policy(), replicas: 5, load: (t) => (t < 60 * S ? 20 : t < 300 * S ? 44 : 19), durationMs: 1_000 * S });
    const changes = ticks.filter((t) => t.decision.replicas !== t.replicas);
    // The panic window (6 s, 3 ticks) fills with the new load at 64 s: 44 / 4 = 11 >= 2 x 5.
    expect(changes[0]).toMatchObject({ t: 64 * S, replicas: 5, decision: { replicas: 11, reason: 'Panic', panic: true } });
    const downs = changes.slice(1);
    expect(downs.every((t) => t.decision.reason === 'ScaleDown')).toBe(true);
    // Nothing goes down while a recommendation of 11 (until the drop at 300 s) is in the 300 s window.
    expect(downs[0]!.t).toBeGreaterThan(600 * S);
    for (const [i, tick] of downs.entries()) {
      expect(tick.replicas - tick.decision.replicas).toBeLessThanOrEqual(Math.floor(tick.replicas / 2));
      if (i > 0) expect(tick.t - downs[i - 1]!.t).toBeGreaterThanOrEqual(15 * S);
    }
    expect(ticks.at(-1)!.replicas).toBe(5);
  });

  it('takes the last step of the worked example: once the window recommends 5, 11 -> 6 -> 5, 15 s apart', () => {
    const now = 1_000 * S;
    const p = policy();
    const first = decideScale(p, steady(19, 400, now), { now, current: 11, ready: 11, observation: observation(19) });
    expect(first).toMatchObject({ replicas: 6, reason: 'ScaleDown' });
    const early = decideScale(p, first.state, { now: now + 10 * S, current: 6, ready: 6, observation: observation(19) });
    expect(early).toMatchObject({ replicas: 6, reason: 'Hold' });
    const second = decideScale(p, early.state, { now: now + 15 * S, current: 6, ready: 6, observation: observation(19) });
    expect(second).toMatchObject({ replicas: 5, reason: 'ScaleDown' });
  });

  it('from a cold start: 0 -> 1 at once, then the held demand scales it in one panic step', () => {
    // min 0, at zero; at 10 s a burst of 8 requests arrives and waits (held) until a replica is Ready.
    const p = policy({ minReplicas: 0, targetLoad: 2 });
    const ticks = simulate({ policy: p, replicas: 0, load: (t) => (t >= 10 * S ? 8 : 0), launchMs: 20 * S, durationMs: 120 * S });
    const at = (seconds: number) => ticks.find((t) => t.t === seconds * S)!;
    expect(at(8).decision).toMatchObject({ replicas: 0, reason: 'Hold' });
    expect(at(10).decision).toMatchObject({ replicas: 1, reason: 'ScaleFromZero' });
    // The panic window still holds the zeros of before the burst: 16 / 3 -> 3, then 8 / 2 = 4.
    expect(at(12).decision).toMatchObject({ replicas: 3, reason: 'Panic' });
    expect(at(14).decision).toMatchObject({ replicas: 4, reason: 'Panic' });
    expect(Math.max(...ticks.map((t) => t.decision.replicas))).toBe(4);
    expect(ticks.at(-1)).toMatchObject({ replicas: 4, ready: 4 });
  });

  it('goes to zero only with min 0, after the idle window with fresh reports', () => {
    const idle = (spec: Partial<Autoscaling>, reporting?: (t: number) => boolean) =>
      simulate({ policy: policy({ scaleToZeroIdleSeconds: 120, ...spec }), replicas: 3, load: (t) => (t < 60 * S ? 8 : 0), reporting, durationMs: 600 * S });
    const zero = idle({ minReplicas: 0 });
    const first = zero.find((t) => t.decision.replicas === 0)!;
    expect(first.decision.reason).toBe('ScaleToZero');
    // The last demand was seen at 58 s: zero at 58 + 120 s at the earliest.
    expect(first.t).toBeGreaterThanOrEqual(178 * S);
    expect(idle({ minReplicas: 1 }).some((t) => t.decision.replicas === 0)).toBe(false);
    // The reporter dies at 100 s: silence is no evidence of idleness.
    expect(idle({ minReplicas: 0 }, (t) => t < 100 * S).some((t) => t.decision.replicas < t.replicas)).toBe(false);
  });

  it('never scales down on missing reports', () => {
    // 40 in flight over 10; the router dies at 100 s, then comes back reporting only 2 replicas.
    const ticks = simulate({
      policy: policy(),
      replicas: 10,
      load: () => 40,
      reporting: (t) => t < 100 * S || t > 400 * S,
      durationMs: 1_200 * S,
    });
    expect(ticks.every((t) => t.decision.replicas === 10)).toBe(true);
  });

  it('does not count a Ready replica that is not reported on as idle', () => {
    // 10 Ready, the reports cover 2 of them at 1 in flight each: the other 8 count at target 4,
    // so the count goes to ceil((2 + 8 * 4) / 4) = 9, not to the ceil(2 / 4) = 1 that counting them idle would give.
    const now = 1_000 * S;
    const samples = Array.from({ length: 400 }, (_, i) => ({ at: now - (400 - i) * S, up: [2], down: [34] }));
    const state = { ...EMPTY_SCALER_STATE, samples, observingSince: now - 400 * S, lastObservedAt: now - S, lastBusyAt: now - S };
    const decision = decideScale(policy(), state, { now, current: 10, ready: 10, observation: { up: [2], down: [34], busy: true } });
    expect(decision).toMatchObject({ replicas: 9, reason: 'ScaleDown' });
  });

  it('keeps its windows bounded', () => {
    const ticks = simulate({ policy: policy(), replicas: 10, load: () => 40, tickMs: 500, durationMs: 2_000 * S });
    const state = ticks.at(-1)!.decision.state;
    // One sample a second over the 60 s stable window; recommendations over the 300 s stabilization.
    expect(state.samples.length).toBeLessThanOrEqual(60);
    expect(state.recommendations.length).toBeLessThanOrEqual(601);
  });
});
