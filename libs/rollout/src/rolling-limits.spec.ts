import { describe, expect, it } from 'vitest';
import { rollingLimits, scaledValue } from './rolling-limits';
import { rolloutSettings } from './rollout-settings';

describe('scaledValue', () => {
  // Mirrors the worked examples in rolling-limits.ts.
  it.each([
    { text: '25%', total: 10, up: true, want: 3 },
    { text: '25%', total: 10, up: false, want: 2 },
    { text: '2', total: 10, up: true, want: 2 },
    { text: '2', total: 10, up: false, want: 2 },
    { text: '100%', total: 7, up: true, want: 7 },
    { text: '100%', total: 7, up: false, want: 7 },
    { text: '10%', total: 1, up: true, want: 1 },
    { text: '10%', total: 1, up: false, want: 0 },
    { text: '29%', total: 100, up: true, want: 29 },
    { text: '0%', total: 50, up: true, want: 0 },
    { text: 'lots', total: 10, up: true, want: 0 },
  ])('$text of $total (round up: $up) -> $want', ({ text, total, up, want }) => {
    expect(scaledValue(text, total, up)).toBe(want);
  });
});

describe('rollingLimits', () => {
  // Mirrors the worked examples in rolling-limits.ts.
  it.each([
    { replicas: 10, surge: '25%', unavailable: '0', want: { maxSurge: 3, maxUnavailable: 0 } },
    { replicas: 10, surge: '25%', unavailable: '25%', want: { maxSurge: 3, maxUnavailable: 2 } },
    { replicas: 8, surge: '25%', unavailable: '0', want: { maxSurge: 2, maxUnavailable: 0 } },
    { replicas: 1, surge: '0', unavailable: '25%', want: { maxSurge: 0, maxUnavailable: 1 } },
    { replicas: 3, surge: '5', unavailable: '1', want: { maxSurge: 5, maxUnavailable: 1 } },
    { replicas: 0, surge: '25%', unavailable: '0', want: { maxSurge: 0, maxUnavailable: 1 } },
    { replicas: 2, surge: '0', unavailable: '5', want: { maxSurge: 0, maxUnavailable: 2 } },
  ])('replicas $replicas, surge $surge, unavailable $unavailable -> $want', ({ replicas, surge, unavailable, want }) => {
    expect(rollingLimits(surge, unavailable, replicas)).toEqual(want);
  });
});

describe('rolloutSettings', () => {
  it('applies the defaults where the spec leaves fields empty', () => {
    expect(rolloutSettings(undefined)).toEqual({
      replicas: 0,
      maxSurge: '25%',
      maxUnavailable: '0',
      minReadySeconds: 0,
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      paused: false,
    });
  });

  it('keeps what the spec says', () => {
    const spec = {
      replicas: 4,
      template: undefined,
      placement: undefined,
      autoscaling: undefined,
      paused: true,
      revisionHistoryLimit: 3,
      strategy: { maxSurge: '1', maxUnavailable: '50%', minReadySeconds: 5, progressDeadlineSeconds: 30, drainSeconds: 0, terminationGraceSeconds: 0 },
    };
    expect(rolloutSettings(spec)).toEqual({ replicas: 4, maxSurge: '1', maxUnavailable: '50%', minReadySeconds: 5, progressDeadlineSeconds: 30, revisionHistoryLimit: 3, paused: true });
  });
});
