import { Replica, ReplicaPhase } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { inEndpointSet, isLive, isRetired } from './replica-predicates';
import { REPLICA_REASONS } from './replica-reasons';
import { retired } from './retirement';

const NOW = '2025-01-01T10:00:00.000Z';
const ready = Replica.fromPartial({
  metadata: { name: 'web-1', uid: 'u1', resourceVersion: 7, labels: { deployment: 'web' } },
  spec: { deployment: 'web', cell: 'c1', node: 'n1', gpuIndices: [0] },
  status: { phase: ReplicaPhase.REPLICA_PHASE_READY, endpoint: '10.0.0.5:8000', restarts: 1, readyTime: '2025-01-01T09:00:00.000Z' },
});

describe('retired', () => {
  it('sets deletionTime, Terminating, reason and message, and keeps the rest (the worked example)', () => {
    const next = retired(ready, NOW, REPLICA_REASONS.scaledDown, 'deployment web scaled down');
    expect(next).toEqual({
      ...ready,
      metadata: { ...ready.metadata, deletionTime: NOW },
      status: { ...ready.status, phase: ReplicaPhase.REPLICA_PHASE_TERMINATING, reason: 'ScaledDown', message: 'deployment web scaled down' },
    });
    expect([isRetired(next), isLive(next), inEndpointSet(next)]).toEqual([true, false, false]);
  });

  it('fills in a replica that has no status yet, and leaves its input alone', () => {
    const bare = Replica.fromPartial({ metadata: { name: 'web-2' }, spec: { deployment: 'web', cell: 'c1', node: 'n1' } });
    const before = structuredClone(bare);
    const next = retired({ ...bare, status: undefined }, NOW, REPLICA_REASONS.deleted, 'deleted by an operator');
    expect(next.status).toEqual({ phase: ReplicaPhase.REPLICA_PHASE_TERMINATING, endpoint: '', restarts: 0, reason: 'Deleted', message: 'deleted by an operator', readyTime: undefined, conditions: [] });
    expect(bare).toEqual(before);
  });
});
