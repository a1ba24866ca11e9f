/** How retries of one failing key are spaced. */
export interface BackoffPolicy {
  /** Delay before the first retry, in ms. */
  baseMs: number;
  /** The delay never grows past this, in ms. */
  maxMs: number;
  /** Spread around the delay as a fraction: 0.2 picks uniformly within +-20 %. */
  jitter: number;
}

/**
 * Retries start fast (a conflict clears in milliseconds) and back off to a minute (an etcd that
 * is down should not be hammered by every key at once).
 */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 100, maxMs: 60_000, jitter: 0.2 };

/**
 * The delay before retry number `failures + 1` of a key: base * 2^failures, capped at max, then
 * spread by jitter so keys that failed together (an etcd outage) do not retry in lockstep.
 *
 * Worked example with base 100 ms, max 60 s, jitter 0.2:
 * - failures 0 -> 100 ms (80-120 ms with jitter), 1 -> 200 ms, 3 -> 800 ms;
 * - failures 9 -> 51,200 ms; failures 10 -> 102,400 ms, capped to 60,000 ms (48-72 s with jitter).
 * `random` returns a number in [0, 1): 0 gives the low end, 0.5 the exact delay.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  // 2^60 already overflows every sane cap; clamping the exponent keeps the arithmetic finite.
  const exact = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(0, failures), 60));
  const spread = 1 + policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(exact * spread));
}
