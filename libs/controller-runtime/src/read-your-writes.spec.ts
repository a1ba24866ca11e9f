import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { ReadYourWrites, type RevisionSource } from './read-your-writes';

/** A cache whose revision a test moves by hand. */
class Cache implements RevisionSource {
  revision = 0;
  readonly listeners = new Set<() => void>();
  on(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

describe('ReadYourWrites', () => {
  it('holds a scope until every cache that holds the write reached its revision', () => {
    const clock = new ManualClock();
    const ryw = new ReadYourWrites(clock);
    const replicas = new Cache();
    const deployments = new Cache();
    expect(ryw.waiting('d1')).toBe(false);
    // Three replica creations at 10, 11, 12 and a status write at 13.
    for (const revision of [10, 11, 12]) ryw.wrote('d1', [replicas], revision);
    ryw.wrote('d1', [deployments], 13);
    replicas.revision = 12;
    deployments.revision = 12;
    expect(ryw.waiting('d1')).toBe(true);
    expect(ryw.waiting('d2')).toBe(false);
    deployments.revision = 13;
    expect(ryw.waiting('d1')).toBe(false);
    // Reached once is forgotten: an older cache no longer holds the scope.
    replicas.revision = 0;
    expect(ryw.waiting('d1')).toBe(false);
  });

  it('gives a wait on a cache that cannot list again up once it is staleMs old, counted from the last write', () => {
    const clock = new ManualClock();
    const ryw = new ReadYourWrites(clock, 1_000);
    const cache = new Cache();
    ryw.wrote('k', [cache], 5);
    clock.advance(600);
    ryw.wrote('k', [cache], 6);
    clock.advance(600);
    expect(ryw.waiting('k')).toBe(true);
    expect(ryw.waitOf('k')?.staleAt).toBe(1_600);
    clock.advance(400);
    expect(ryw.waiting('k')).toBe(false);
    expect(ryw.waitOf('k')).toBeUndefined();
  });

  it('keeps a stale wait on a cache that can list again, and names that cache once a period', () => {
    const clock = new ManualClock();
    const ryw = new ReadYourWrites(clock, 1_000);
    const replicas = Object.assign(new Cache(), { resync: async () => undefined });
    const deployments = Object.assign(new Cache(), { resync: async () => undefined });
    ryw.wrote('d1', [replicas], 5);
    ryw.wrote('d1', [deployments], 6);
    deployments.revision = 6;
    clock.advance(999);
    expect(ryw.stale('d1')).toEqual([]);
    clock.advance(1);
    // Stale: still waiting (deciding now could repeat the writes); only the cache behind is named.
    expect(ryw.waiting('d1')).toBe(true);
    expect(ryw.stale('d1')).toEqual([replicas]);
    // The period starts over: named again only if the list did not help within another one.
    expect(ryw.stale('d1')).toEqual([]);
    expect(ryw.waitOf('d1')?.staleAt).toBe(2_000);
    clock.advance(1_000);
    expect(ryw.stale('d1')).toEqual([replicas]);
    replicas.revision = 7;
    expect(ryw.waiting('d1')).toBe(false);
  });

  it('clear() forgets every scope', () => {
    const ryw = new ReadYourWrites(new ManualClock());
    ryw.wrote('a', [new Cache()], 1);
    ryw.clear();
    expect(ryw.waiting('a')).toBe(false);
  });
});
