import { describe, expect, it } from 'vitest';
import { WorkLimiter, WorkLimitExceeded } from './work-limiter';

/** A task that ends when told to, recording when it started. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { task: async () => (log.push(`start ${name}`), await opened, name), open };
}

describe('WorkLimiter', () => {
  it('runs 2 at once, queues 1, refuses the 4th; the queued one runs when a slot frees, before any newcomer', async () => {
    const limiter = new WorkLimiter('registrations', 2, 1);
    const log: string[] = [];
    const [a, b, c, e] = ['A', 'B', 'C', 'E'].map((name) => gate(log, name));
    const runs = [limiter.run(a!.task), limiter.run(b!.task), limiter.run(c!.task)];
    await expect(limiter.run(async () => 'D')).rejects.toEqual(new WorkLimitExceeded('registrations: 2 running and 1 waiting, the most this control plane takes; retry with back-off'));
    await Promise.resolve();
    expect([log, limiter.active, limiter.queued]).toEqual([['start A', 'start B'], 2, 1]);
    a!.open();
    expect(await runs[0]).toBe('A');
    const late = limiter.run(e!.task);
    await Promise.resolve();
    expect(log).toEqual(['start A', 'start B', 'start C']);
    b!.open();
    c!.open();
    e!.open();
    expect(await Promise.all([runs[1], runs[2], late])).toEqual(['B', 'C', 'E']);
    expect(log).toEqual(['start A', 'start B', 'start C', 'start E']);
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
  });

  it('frees the slot of a task that fails', async () => {
    const limiter = new WorkLimiter('reports', 1, 0);
    await expect(limiter.run(async () => Promise.reject(new Error('etcd away')))).rejects.toThrow('etcd away');
    expect(await limiter.run(async () => 'next')).toBe('next');
    expect(limiter.active).toBe(0);
  });
});
