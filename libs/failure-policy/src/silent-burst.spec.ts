import { describe, expect, it } from 'vitest';
import { largestSilentBurst } from './silent-burst';

describe('largestSilentBurst', () => {
  it.each([
    // The worked examples in the function's comment.
    { name: 'six within 5 s, one alone', times: [0, 1_000, 2_000, 3_000, 4_000, 5_000, 30_000], windowMs: 10_000, want: 6 },
    { name: 'evenly spread wider than the window', times: [0, 6_000, 12_000, 18_000], windowMs: 10_000, want: 2 },
    { name: 'none', times: [], windowMs: 10_000, want: 0 },
    { name: 'one', times: [42], windowMs: 10_000, want: 1 },
    { name: 'window ends are inclusive', times: [0, 10_000], windowMs: 10_000, want: 2 },
    { name: 'just outside', times: [0, 10_001], windowMs: 10_000, want: 1 },
    { name: 'unsorted input', times: [30_000, 5_000, 0, 29_000, 31_000, 1_000], windowMs: 2_000, want: 3 },
    { name: 'zero window counts equal times', times: [5, 5, 5, 6], windowMs: 0, want: 3 },
  ])('$name -> $want', ({ times, windowMs, want }) => {
    expect(largestSilentBurst(times, windowMs)).toBe(want);
  });
});
