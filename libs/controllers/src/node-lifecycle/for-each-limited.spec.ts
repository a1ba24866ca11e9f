import { describe, expect, it } from 'vitest';
import { forEachLimited } from './for-each-limited';

describe('forEachLimited', () => {
  it.each([
    { items: 10, limit: 3 },
    { items: 2, limit: 16 },
    { items: 0, limit: 4 },
  ])('runs $items items with at most $limit at once', async ({ items, limit }) => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachLimited(Array.from({ length: items }, (_, i) => i), limit, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      done.push(i);
    });
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: items }, (_, i) => i));
    expect(peak).toBeLessThanOrEqual(Math.max(1, limit));
  });

  it('finishes the rest, then rejects with the first failure', async () => {
    const done: number[] = [];
    const run = forEachLimited([1, 2, 3, 4], 2, async (i) => {
      if (i === 2) throw new Error('boom 2');
      done.push(i);
    });
    await expect(run).rejects.toThrow('boom 2');
    expect(done).toEqual([1, 3, 4]);
  });
});
