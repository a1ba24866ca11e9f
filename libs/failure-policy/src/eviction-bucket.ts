/**
 * A token bucket of evictions as a plain value: `tokens` available at time `at` (ms). Tokens
 * accrue at a rate up to a burst; each eviction takes one. Immutable: every function returns a
 * new bucket, so a caller can keep the one it decided with.
 */
export interface EvictionBucket {
  readonly tokens: number;
  readonly at: number;
}

/** A rate of evictions: `perSecond` tokens a second, at most `burst` saved up. */
export interface EvictionRate {
  perSecond: number;
  burst: number;
}

/**
 * The bucket as of `now`: tokens accrued since `bucket.at` at `rate.perSecond`, capped at
 * `rate.burst`. A missing bucket starts full. An unlimited rate (Infinity) is always full.
 * A clock that went backwards accrues nothing.
 *
 * Example: {tokens 0, at 0} at 0.1/s, burst 1: at 4,000 ms it holds 0.4; at 10,000 ms 1; at
 * 30,000 ms still 1 (the burst).
 */
export function refill(bucket: EvictionBucket | undefined, now: number, rate: EvictionRate): EvictionBucket {
  if (!bucket || !Number.isFinite(rate.perSecond)) return { tokens: rate.burst, at: now };
  const elapsed = Math.max(0, now - bucket.at);
  return { tokens: Math.min(rate.burst, bucket.tokens + (elapsed * rate.perSecond) / 1000), at: Math.max(bucket.at, now) };
}

/** How many whole evictions the bucket allows now (Infinity for an unlimited one). */
export function wholeTokens(bucket: EvictionBucket): number {
  return Number.isFinite(bucket.tokens) ? Math.floor(bucket.tokens + 1e-9) : bucket.tokens;
}

/** The bucket after `count` evictions; throws when it does not hold that many tokens. */
export function take(bucket: EvictionBucket, count: number): EvictionBucket {
  if (count > wholeTokens(bucket)) throw new Error(`eviction bucket holds ${bucket.tokens} tokens, cannot take ${count}`);
  return { tokens: bucket.tokens - count, at: bucket.at };
}

/**
 * Milliseconds until the bucket holds a whole token at `rate`: 0 when it does, Infinity when the
 * rate is 0.
 *
 * Example: {tokens 0.4} at 0.1/s -> 6,000 ms.
 */
export function msUntilToken(bucket: EvictionBucket, rate: EvictionRate): number {
  if (wholeTokens(bucket) >= 1) return 0;
  if (rate.perSecond <= 0) return Number.POSITIVE_INFINITY;
  return Math.ceil(((1 - bucket.tokens) * 1000) / rate.perSecond);
}
