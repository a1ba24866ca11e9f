import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelay', () => {
  // Mirrors the worked example in backoff.ts: base 100 ms, max 60 s, jitter 0.2.
  it.each([
    { failures: 0, random: 0.5, want: 100 },
    { failures: 0, random: 0, want: 80 },
    { failures: 0, random: 0.999999, want: 120 },
    { failures: 1, random: 0.5, want: 200 },
    { failures: 3, random: 0.5, want: 800 },
    { failures: 9, random: 0.5, want: 51_200 },
    { failures: 10, random: 0.5, want: 60_000 },
    { failures: 10, random: 0, want: 48_000 },
    { failures: 10, random: 0.999999, want: 72_000 },
    { failures: 1_000, random: 0.5, want: 60_000 },
    { failures: -3, random: 0.5, want: 100 },
  ])('failures $failures, random $random -> $want ms', ({ failures, random, want }) => {
    expect(backoffDelay(failures, DEFAULT_BACKOFF, () => random)).toBe(want);
  });

  it.each([
    { policy: { baseMs: 5, maxMs: 1_000, jitter: 0 }, failures: 4, want: 80 },
    { policy: { baseMs: 5, maxMs: 1_000, jitter: 0 }, failures: 8, want: 1_000 },
    { policy: { baseMs: 0, maxMs: 1_000, jitter: 0.5 }, failures: 3, want: 0 },
  ])('custom policy $policy, failures $failures -> $want ms', ({ policy, failures, want }) => {
    expect(backoffDelay(failures, policy, () => 0.1)).toBe(want);
  });
});
