import { describe, expect, it } from 'vitest';
import { msUntilToken, refill, take, wholeTokens, type EvictionBucket } from './eviction-bucket';

const slow = { perSecond: 0.1, burst: 1 };
const unlimited = { perSecond: Number.POSITIVE_INFINITY, burst: Number.POSITIVE_INFINITY };

describe('refill', () => {
  it.each([
    // The worked example on refill: 0.1/s, burst 1, empty at 0.
    { name: 'partial', bucket: { tokens: 0, at: 0 }, now: 4_000, rate: slow, want: 0.4 },
    { name: 'one whole token', bucket: { tokens: 0, at: 0 }, now: 10_000, rate: slow, want: 1 },
    { name: 'capped at the burst', bucket: { tokens: 0, at: 0 }, now: 30_000, rate: slow, want: 1 },
    { name: 'a new bucket starts full', bucket: undefined, now: 5, rate: { perSecond: 2, burst: 3 }, want: 3 },
    { name: 'clock went backwards', bucket: { tokens: 0.5, at: 10_000 }, now: 9_000, rate: slow, want: 0.5 },
    { name: 'unlimited is always full', bucket: { tokens: 0, at: 0 }, now: 0, rate: unlimited, want: Number.POSITIVE_INFINITY },
    { name: 'healthy to degraded caps an unlimited bucket', bucket: { tokens: Number.POSITIVE_INFINITY, at: 0 }, now: 1, rate: slow, want: 1 },
  ])('$name', ({ bucket, now, rate, want }) => {
    expect(refill(bucket, now, rate).tokens).toBeCloseTo(want, 9);
  });
});

describe('take and wholeTokens', () => {
  it.each([
    { tokens: 0.999999999999, whole: 1 },
    { tokens: 2.5, whole: 2 },
    { tokens: 0.4, whole: 0 },
    { tokens: Number.POSITIVE_INFINITY, whole: Number.POSITIVE_INFINITY },
  ])('$tokens tokens allow $whole evictions', ({ tokens, whole }) => {
    expect(wholeTokens({ tokens, at: 0 })).toBe(whole);
  });

  it('takes tokens and refuses more than it holds', () => {
    const bucket: EvictionBucket = { tokens: 2.5, at: 7 };
    expect(take(bucket, 2)).toEqual({ tokens: 0.5, at: 7 });
    expect(() => take(bucket, 3)).toThrow(/holds 2.5 tokens, cannot take 3/);
    expect(take({ tokens: Number.POSITIVE_INFINITY, at: 0 }, 1000).tokens).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('msUntilToken', () => {
  it.each([
    // The worked example on msUntilToken.
    { tokens: 0.4, rate: slow, want: 6_000 },
    { tokens: 1, rate: slow, want: 0 },
    { tokens: 0, rate: { perSecond: 4, burst: 1 }, want: 250 },
    { tokens: 0, rate: { perSecond: 0, burst: 1 }, want: Number.POSITIVE_INFINITY },
  ])('$tokens tokens at $rate.perSecond/s -> $want ms', ({ tokens, rate, want }) => {
    expect(msUntilToken({ tokens, at: 0 }, rate)).toBe(want);
  });
});
