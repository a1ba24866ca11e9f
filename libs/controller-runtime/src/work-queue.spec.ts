import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { WorkQueue } from './work-queue';

const policy = { baseMs: 100, maxMs: 1_000, jitter: 0 };

function queue() {
  const clock = new ManualClock();
  const depths: number[] = [];
  const q = new WorkQueue({ clock, backoff: policy, onDepth: (d) => depths.push(d) });
  return { q, clock, depths };
}

describe('WorkQueue', () => {
  it('keeps one entry per key however often it is added', async () => {
    const { q } = queue();
    for (const key of ['a', 'b', 'a', 'c', 'b', 'a']) q.add(key);
    expect(q.length).toBe(3);
    expect([await q.get(), await q.get(), await q.get()]).toEqual(['a', 'b', 'c']);
    expect(q.length).toBe(0);
  });

  it('never hands out a key that is being processed; re-queues it once done if it changed', async () => {
    const { q } = queue();
    q.add('a');
    const first = await q.get();
    expect(first).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.length).toBe(0);
    q.add('b');
    expect(await q.get()).toBe('b');
    q.done('a');
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
    q.done('a');
    q.done('b');
    expect(q.length).toBe(0);
  });

  it('wakes a waiting get() when a key arrives', async () => {
    const { q } = queue();
    const waiting = q.get();
    q.add('x');
    await expect(waiting).resolves.toBe('x');
    // handed straight to the waiter: it is in process, so a new add waits for done()
    q.add('x');
    expect(q.length).toBe(0);
    q.done('x');
    expect(q.length).toBe(1);
  });

  it('backs off a failing key exponentially until forgotten', async () => {
    const { q, clock } = queue();
    const delays = [q.addRateLimited('a')];
    clock.advance(99);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(await q.get()).toBe('a');
    q.done('a');
    delays.push(q.addRateLimited('a'), q.addRateLimited('a'));
    expect(delays).toEqual([100, 200, 400]);
    expect(q.numRequeues('a')).toBe(3);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
    expect(q.addRateLimited('a')).toBe(100);
  });

  it.each([
    { name: 'earlier delay replaces a later one', delays: [500, 100], firesAt: 100 },
    { name: 'later delay does not postpone an earlier one', delays: [100, 500], firesAt: 100 },
    { name: 'zero delay adds at once', delays: [500, 0], firesAt: 0 },
  ])('addAfter: $name', async ({ delays, firesAt }) => {
    const { q, clock } = queue();
    for (const d of delays) q.addAfter('k', d);
    if (firesAt > 0) {
      clock.advance(firesAt - 1);
      expect(q.length).toBe(0);
      clock.advance(1);
    }
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('k');
    q.done('k');
    clock.advance(10_000);
    // the replaced or redundant timer does not add it again
    expect(q.length).toBe(firesAt === 0 ? 1 : 0);
  });

  it('shutDown drops pending work, cancels timers and releases waiters', async () => {
    const { q, clock, depths } = queue();
    q.add('a');
    q.addAfter('b', 100);
    q.shutDown();
    expect(clock.pending).toBe(0);
    expect(q.isShutDown).toBe(true);
    await expect(q.get()).resolves.toBeUndefined();
    q.add('c');
    expect(q.length).toBe(0);
    expect(depths.at(-1)).toBe(0);

    const other = queue().q;
    const waiting = other.get();
    other.shutDown();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('reports the depth as it changes', async () => {
    const { q, depths } = queue();
    q.add('a');
    q.add('b');
    await q.get();
    expect(depths).toEqual([1, 2, 1]);
  });
});
