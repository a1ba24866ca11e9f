import { describe, expect, it } from 'vitest';
import { WriteGuard, type CacheView } from './write-guard';

const view = (deploymentRevision: number, replicaRevision: number, held: string[] = []): CacheView => ({
  deploymentRevision,
  replicaRevision,
  holds: (name) => held.includes(name),
});

describe('WriteGuard', () => {
  it('holds a deployment back until the caches show its writes', () => {
    const guard = new WriteGuard(30_000);
    expect(guard.synced('web', view(0, 0), 0)).toBe(true);
    guard.wroteReplica('web', 120, 0);
    guard.wroteReplica('web', 118, 0);
    guard.wroteDeployment('web', 100, 0);
    guard.deletedReplica('web', 'web-1-bbbbb', 0);
    expect(guard.synced('web', view(100, 120, ['web-1-bbbbb']), 1)).toBe(false);
    expect(guard.synced('web', view(100, 119, []), 1)).toBe(false);
    expect(guard.synced('web', view(99, 120, []), 1)).toBe(false);
    expect(guard.synced('other', view(0, 0), 1)).toBe(true);
    expect(guard.synced('web', view(100, 120, []), 1)).toBe(true);
    // Satisfied once, forgotten.
    expect(guard.synced('web', view(0, 0), 2)).toBe(true);
  });

  it('gives up a wait that went stale', () => {
    const guard = new WriteGuard(1_000);
    guard.wroteReplica('web', 50, 0);
    expect(guard.synced('web', view(0, 10), 1_000)).toBe(false);
    expect(guard.synced('web', view(0, 10), 1_001)).toBe(true);
  });
});
