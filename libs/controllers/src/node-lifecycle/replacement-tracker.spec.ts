import { describe, expect, it } from 'vitest';
import { ReplacementTracker } from './replacement-tracker';

describe('ReplacementTracker', () => {
  it.each([
    // The worked example on onReady.
    { name: 'a replica created after the failure', createdAt: 3_000, now: 12_000, want: 11 },
    { name: 'a replica created before the failure', createdAt: 500, now: 12_000, want: undefined },
    { name: 'creation time unknown', createdAt: undefined, now: 12_000, want: 11 },
    { name: 'too late to be a replacement', createdAt: 3_000, now: 1_000 + 31 * 60_000, want: undefined },
  ])('$name -> $want', ({ createdAt, now, want }) => {
    const tracker = new ReplacementTracker();
    tracker.noteFailed('d', 1_000);
    expect(tracker.onReady('d', createdAt, now)).toBe(want);
  });

  it('pairs the oldest failure first, per deployment, once each', () => {
    const tracker = new ReplacementTracker();
    tracker.noteFailed('d', 2_000);
    tracker.noteFailed('d', 1_000);
    tracker.noteFailed('e', 1_000);
    expect(tracker.size).toBe(3);
    expect(tracker.onReady('d', 5_000, 11_000)).toBe(10);
    expect(tracker.onReady('d', 5_000, 11_000)).toBe(9);
    expect(tracker.onReady('d', 5_000, 11_000)).toBeUndefined();
    expect(tracker.size).toBe(1);
  });
});
