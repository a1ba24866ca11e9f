import { backoffDelay } from '@helios/controller-runtime';

/** How a crashing replica is restarted. */
export interface RestartPolicy {
  /** Delay before the first restart of a crash streak, in ms. */
  baseMs: number;
  /** The delay never grows past this, in ms. */
  maxMs: number;
  /** A process that ran this long before exiting starts a new streak (its crash is news, not a loop). */
  resetAfterMs: number;
}

/**
 * 1 s doubling to 30 s: a replica that dies at start (a broken version) costs a few spawns a
 * minute instead of a spin, while one that crashes after a day is back within a second.
 */
export const DEFAULT_RESTART_POLICY: RestartPolicy = { baseMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

/**
 * The crash streak after a process exits: one more than before, or 1 when the process had run
 * for resetAfterMs or longer.
 *
 * Worked example with resetAfterMs 60 s: streak 0 and a 200 ms run -> 1; streak 4 and a 200 ms
 * run -> 5; streak 4 and a 90 s run -> 1.
 */
export function nextCrashStreak(streak: number, ranForMs: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): number {
  return ranForMs >= policy.resetAfterMs ? 1 : streak + 1;
}

/**
 * The delay before restarting a process whose crash streak is `streak` (>= 1):
 * base * 2^(streak - 1), capped at max.
 *
 * Worked example with base 1 s, max 30 s: streak 1 -> 1 s, 2 -> 2 s, 3 -> 4 s, 5 -> 16 s,
 * 6 -> 32 s capped to 30 s, 100 -> 30 s.
 */
export function restartDelay(streak: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): number {
  // The controllers' backoff without jitter: one replica restarting has no herd to spread.
  return backoffDelay(streak - 1, { baseMs: policy.baseMs, maxMs: policy.maxMs, jitter: 0 });
}
