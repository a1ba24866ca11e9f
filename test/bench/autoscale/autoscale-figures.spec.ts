import { describe, expect, it } from 'vitest';
import { benchFailures, flapCount, neededReplicas, peakDesired, secondsUntil, type ReplicaSample } from './autoscale-figures';

const at = (desired: number[], ready: number[] = desired): ReplicaSample[] => desired.map((d, i) => ({ t: i * 1000, desired: d, ready: ready[i]! }));

describe('autoscale figures', () => {
  it.each([
    { rate: 10, latency: 200, target: 2, want: 1 },
    { rate: 40, latency: 200, target: 2, want: 4 },
    { rate: 41, latency: 200, target: 2, want: 5 },
    { rate: 0, latency: 200, target: 2, want: 0 },
  ])('$rate/s x $latency ms at target $target needs $want', ({ rate, latency, target, want }) => {
    expect(neededReplicas(rate, latency, target)).toBe(want);
  });

  it('counts direction changes (the example on flapCount), only within the window', () => {
    expect(flapCount(at([4, 5, 5, 4, 4, 5]), 0, 6_000)).toBe(2);
    expect(flapCount(at([1, 4, 4, 4, 3]), 1_000, 4_000)).toBe(0);
    expect(flapCount(at([1, 2, 3, 4]), 0, 4_000)).toBe(0);
  });

  it('measures time to a condition and the peak in a window', () => {
    const samples = at([1, 4, 4, 4, 5, 4], [1, 1, 2, 4, 4, 4]);
    expect(secondsUntil(samples, 1_000, (s) => s.ready >= 4)).toBe(2);
    expect(secondsUntil(samples, 0, (s) => s.ready >= 9)).toBeUndefined();
    expect(peakDesired(samples, 1_000, 4_000)).toBe(4);
    expect(peakDesired(samples, 0, 6_000)).toBe(5);
  });

  it('names every missed target', () => {
    const ok = { scaleUpSeconds: 8, scaleDownSeconds: 40, overshootReplicas: 1, flapCount: 0, coldStartFirstResponseSeconds: 3, failedRequests: 0 };
    expect(benchFailures(ok)).toEqual([]);
    expect(benchFailures({ ...ok, scaleUpSeconds: 31, flapCount: 2, failedRequests: 1, overshootReplicas: 2 })).toEqual([
      'scaleUpSeconds 31 > 30',
      'flapCount 2 != 0',
      'failedRequests 1 != 0',
      'overshootReplicas 2 > 1',
    ]);
  });
});
