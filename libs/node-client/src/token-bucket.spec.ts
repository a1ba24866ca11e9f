import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it.each([
    // limit, reservation times, waits: the worked example of the doc comment first
    [{ perSecond: 10, burst: 2 }, [0, 0, 0, 0, 0], [0, 0, 100, 200, 300]],
    [{ perSecond: 10, burst: 2 }, [0, 0, 0, 0, 0, 1000, 1000, 1000], [0, 0, 100, 200, 300, 0, 0, 100]],
    [{ perSecond: 1, burst: 1 }, [0, 500, 1500], [0, 500, 500]],
    [{ perSecond: 100, burst: 5 }, [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 10]],
    [{ perSecond: 2, burst: 1 }, [0, 10_000, 10_000], [0, 0, 500]],
  ])('%j reserving at %j waits %j', (limit, times, waits) => {
    const bucket = new TokenBucket(limit);
    expect(times.map((t) => bucket.reserve(t))).toEqual(waits);
  });
});
