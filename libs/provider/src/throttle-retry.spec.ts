import { ProviderError } from './provider-error';
import { describe, expect, it } from 'vitest';
import { cloudCall, fullJitterDelayMs, retryThrottled, type ThrottleRetryPolicy } from './throttle-retry';

describe('fullJitterDelayMs', () => {
  // Mirrors the worked example in throttle-retry.ts: base 250 ms, cap 20 s.
  it.each([
    [1, 0.5, 125],
    [2, 0.5, 250],
    [4, 0.5, 1000],
    [8, 0.5, 10_000],
    [20, 0.5, 10_000],
    [1, 0, 0],
    [3, 0.999, 999],
  ])('retry %i with random %f waits %i ms', (retry, random, expected) => {
    expect(fullJitterDelayMs(retry, { baseDelayMs: 250, maxDelayMs: 20_000, random: () => random })).toBe(expected);
  });
});

describe('retryThrottled', () => {
  const policy = (sleeps: number[], maxAttempts = 4): ThrottleRetryPolicy => ({
    maxAttempts,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });

  it('retries throttling until the call succeeds', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await retryThrottled(async () => {
      if (++calls < 3) throw new ProviderError('Throttled', 'slow down');
      return 'done';
    }, policy(sleeps));
    expect(result).toBe('done');
    expect(sleeps).toEqual([50, 100]);
  });

  it('uses a server-given retryAfterMs as a floor', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    await retryThrottled(async () => {
      if (++calls < 2) throw new ProviderError('Throttled', 'slow down', { retryAfterMs: 700 });
      return 'done';
    }, policy(sleeps));
    expect(sleeps).toEqual([700]);
  });

  it('does not retry other errors', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const err = new ProviderError('InsufficientCapacity', 'no p5');
    await expect(
      retryThrottled(async () => {
        calls++;
        throw err;
      }, policy(sleeps)),
    ).rejects.toBe(err);
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('stops after maxAttempts with the attempt count in the message', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const sdkError = new Error('RequestLimitExceeded');
    const err = await retryThrottled(async () => {
      calls++;
      throw new ProviderError('Throttled', 'slow down', { cause: sdkError });
    }, policy(sleeps, 3)).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(err).toMatchObject({ code: 'Throttled', message: 'slow down (gave up after 3 attempts)', cause: sdkError });
  });
});

describe('cloudCall', () => {
  const policy: ThrottleRetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, sleep: async () => undefined, random: () => 0.5 };
  // The adapter's translation: an SDK error named 'RequestLimitExceeded' is throttling, any other is Unknown.
  const translate = (err: unknown) => new ProviderError((err as Error).name === 'RequestLimitExceeded' ? 'Throttled' : 'Unknown', `listing: ${(err as Error).message}`, { cause: err });
  const sdkError = (name: string) => Object.assign(new Error(name), { name });

  it('translates an SDK rejection into the port error', async () => {
    await expect(cloudCall(() => Promise.reject(sdkError('InternalError')), translate, policy)).rejects.toMatchObject({ code: 'Unknown', message: 'listing: InternalError' });
  });

  it('retries what translates to throttling', async () => {
    let calls = 0;
    const answer = await cloudCall(() => (++calls < 3 ? Promise.reject(sdkError('RequestLimitExceeded')) : Promise.resolve('ok')), translate, policy);
    expect([answer, calls]).toEqual(['ok', 3]);
  });
});
