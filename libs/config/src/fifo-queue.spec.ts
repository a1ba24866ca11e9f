import { describe, expect, it } from 'vitest';
import { FifoQueue } from './fifo-queue';

describe('FifoQueue', () => {
  it('hands items back oldest first, and undefined once empty', () => {
    const q = new FifoQueue<number>();
    q.push(1);
    q.push(2);
    expect(q.length).toBe(2);
    expect(q.shift()).toBe(1);
    q.push(3);
    expect([q.shift(), q.shift(), q.shift()]).toEqual([2, 3, undefined]);
    expect(q.length).toBe(0);
  });

  it('keeps its order across the compaction of a long taken head', () => {
    const q = new FifoQueue<number>();
    for (let i = 0; i < 5_000; i++) q.push(i);
    for (let i = 0; i < 3_000; i++) expect(q.shift()).toBe(i);
    q.push(5_000);
    expect(q.length).toBe(2_001);
    expect(q.drain()).toEqual(Array.from({ length: 2_001 }, (_, i) => 3_000 + i));
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
  });
});
