/** A rate and the burst allowed above it. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * A token bucket that reserves: each `reserve(now)` takes one token and says how long the caller
 * must wait for it (0 when one is there). Tokens refill at `perSecond` up to `burst`; a
 * reservation may drive the bucket negative, which is what queues later callers behind earlier
 * ones instead of letting them all wake at the same moment.
 *
 * Example: 10/s, burst 2, all at t=0: waits 0, 0, 100, 200, 300 ms. At t=1000 after those five
 * the bucket has refilled 10 tokens less the 3 borrowed: 2 (the burst), so waits 0, 0, 100.
 */
export class TokenBucket {
  private tokens: number;
  private at: number | undefined;

  constructor(private readonly limit: RateLimit) {
    this.tokens = limit.burst;
  }

  /** Takes a token; returns the ms to wait before using it. */
  reserve(now: number): number {
    if (this.at !== undefined) this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) * this.limit.perSecond) / 1000);
    this.at = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.limit.perSecond);
  }
}
