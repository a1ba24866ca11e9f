import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_POLICY, nextCrashStreak, restartDelay } from './restart-backoff';

describe('restartDelay', () => {
  // The worked example: base 1 s, max 30 s.
  it.each([
    { streak: 1, want: 1_000 },
    { streak: 2, want: 2_000 },
    { streak: 3, want: 4_000 },
    { streak: 5, want: 16_000 },
    { streak: 6, want: 30_000 },
    { streak: 100, want: 30_000 },
    { streak: 0, want: 1_000 },
  ])('streak $streak -> $want ms', ({ streak, want }) => {
    expect(restartDelay(streak, DEFAULT_RESTART_POLICY)).toBe(want);
  });

  it('follows the policy it is given', () => {
    expect(restartDelay(3, { baseMs: 100, maxMs: 250, resetAfterMs: 1_000 })).toBe(250);
  });
});

describe('nextCrashStreak', () => {
  // The worked example: resetAfterMs 60 s.
  it.each([
    { streak: 0, ranForMs: 200, want: 1 },
    { streak: 4, ranForMs: 200, want: 5 },
    { streak: 4, ranForMs: 90_000, want: 1 },
    { streak: 4, ranForMs: 60_000, want: 1 },
  ])('streak $streak after a $ranForMs ms run -> $want', ({ streak, ranForMs, want }) => {
    expect(nextCrashStreak(streak, ranForMs, DEFAULT_RESTART_POLICY)).toBe(want);
  });
});
