import { ProviderError, isThrottled } from './provider-error';

/**
 * How the adapter retries throttled calls (EC2 RequestLimitExceeded, GCE 429 rateLimitExceeded): exponential backoff with full
 * jitter and a bounded number of attempts. Only throttling is retried here; every other error goes
 * back to the caller, whose work queue owns the slower retry.
 */
export interface ThrottleRetryPolicy {
  /** Total attempts including the first; 1 disables retries. */
  maxAttempts: number;
  /** Ceiling of the first retry's delay. */
  baseDelayMs: number;
  /** Largest ceiling any retry may draw from. */
  maxDelayMs: number;
  /** Waits; replaced in tests so no real time passes. */
  sleep: (ms: number) => Promise<void>;
  /** Uniform draw in [0, 1); replaced in tests for exact delays. */
  random: () => number;
}

/** The production policy: 5 attempts, 250 ms base, 20 s cap, real timers and Math.random. */
export function defaultThrottleRetryPolicy(): ThrottleRetryPolicy {
  return {
    maxAttempts: 5,
    baseDelayMs: 250,
    maxDelayMs: 20_000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
  };
}

/**
 * Returns the delay before retry number `retry` (1-based): a uniform draw from
 * [0, min(maxDelayMs, baseDelayMs * 2^(retry - 1))), AWS's "full jitter", which spreads a burst of
 * throttled callers evenly instead of letting them retry in lockstep.
 *
 * Worked example, base 250 ms, cap 20 s, random() = 0.5:
 *   retry 1: ceiling 250 ms               -> 125 ms
 *   retry 2: ceiling 500 ms               -> 250 ms
 *   retry 4: ceiling 2000 ms              -> 1000 ms
 *   retry 8: ceiling min(20000, 32000) ms -> 10000 ms
 */
export function fullJitterDelayMs(retry: number, policy: Pick<ThrottleRetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(policy.random() * ceiling);
}

/**
 * Runs `call`, retrying it while it rejects with a Throttled ProviderError and attempts remain.
 * A server-provided `retryAfterMs` is a floor under the jittered delay. When attempts run out the
 * last Throttled error is rethrown with the attempt count in its message.
 */
export async function retryThrottled<T>(call: () => Promise<T>, policy: ThrottleRetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isThrottled(err)) throw err;
      const throttled = err as ProviderError;
      if (attempt >= policy.maxAttempts) {
        throw new ProviderError('Throttled', `${throttled.message} (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'})`, {
          cause: throttled.cause ?? throttled,
          retryAfterMs: throttled.retryAfterMs,
        });
      }
      await policy.sleep(Math.max(fullJitterDelayMs(attempt, policy), throttled.retryAfterMs ?? 0));
    }
  }
}

/**
 * One SDK call of an adapter: a rejection is translated into the port's ProviderError by the
 * adapter's `translate` (which names the call's context), and throttling is retried under
 * `policy`. Every AWS and GCE call goes through here.
 */
export function cloudCall<T>(send: () => Promise<T>, translate: (err: unknown) => ProviderError, policy: ThrottleRetryPolicy): Promise<T> {
  return retryThrottled(async () => {
    try {
      return await send();
    } catch (err) {
      throw translate(err);
    }
  }, policy);
}
