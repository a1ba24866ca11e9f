import { Replica, ReplicaPhase } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { replicaDeletion } from './replica-deletion';

const NOW = '2025-01-01T00:00:00.000Z';
const replica = (node: string, phase: ReplicaPhase, extra: { reason?: string; deletionTime?: string } = {}) =>
  Replica.fromPartial({ metadata: { name: 'r1', deletionTime: extra.deletionTime }, spec: { deployment: 'web', cell: node ? 'c1' : '', node }, status: { phase, reason: extra.reason ?? '' } });

describe('replicaDeletion', () => {
  // Mirrors the example in replica-deletion.ts.
  it.each([
    { name: 'Pending, unbound', r: replica('', ReplicaPhase.REPLICA_PHASE_PENDING), want: 'delete' },
    { name: 'Failed with its node', r: replica('n1', ReplicaPhase.REPLICA_PHASE_FAILED, { reason: 'NodeLost' }), want: 'delete' },
    { name: 'Ready on a node', r: replica('n1', ReplicaPhase.REPLICA_PHASE_READY), want: 'retire' },
    { name: 'Failed: could not start', r: replica('n1', ReplicaPhase.REPLICA_PHASE_FAILED, { reason: 'NoCommand' }), want: 'delete' },
    { name: 'crashed, restarting on a live node', r: replica('n1', ReplicaPhase.REPLICA_PHASE_STARTING, { reason: 'Crashed' }), want: 'retire' },
    { name: 'already retiring', r: replica('n1', ReplicaPhase.REPLICA_PHASE_TERMINATING, { deletionTime: NOW }), want: 'retiring' },
  ])('$name -> $want', ({ r, want }) => {
    expect(replicaDeletion(r, NOW).action).toBe(want);
  });

  it('retires with deletionTime and Terminating in one write', () => {
    const decision = replicaDeletion(replica('n1', ReplicaPhase.REPLICA_PHASE_READY), NOW);
    expect(decision.action === 'retire' && [decision.next.metadata?.deletionTime, decision.next.status?.phase]).toEqual([NOW, ReplicaPhase.REPLICA_PHASE_TERMINATING]);
  });
});
