import { Replica, ReplicaPhase } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { awaitsEviction, nodeLostReplicaStatus } from './node-lost-replica';

const replica = (node: string, phase: ReplicaPhase, cell = 'c1') =>
  Replica.fromPartial({ metadata: { name: 'r1' }, spec: { deployment: 'd', cell, node }, status: { phase, endpoint: '10.0.0.5:8000', restarts: 2 } });

describe('nodeLostReplicaStatus', () => {
  it('fails a replica of the lost node (the worked example)', () => {
    expect(nodeLostReplicaStatus(replica('n7', ReplicaPhase.REPLICA_PHASE_READY), 'c1', 'n7')).toMatchObject({
      phase: ReplicaPhase.REPLICA_PHASE_FAILED,
      reason: 'NodeLost',
      message: 'node c1/n7 lost its heartbeat',
      endpoint: '10.0.0.5:8000',
      restarts: 2,
    });
  });

  it.each([
    { name: 'starting', r: replica('n7', ReplicaPhase.REPLICA_PHASE_STARTING), want: true },
    { name: 'terminating', r: replica('n7', ReplicaPhase.REPLICA_PHASE_TERMINATING), want: true },
    { name: 'already failed', r: replica('n7', ReplicaPhase.REPLICA_PHASE_FAILED), want: false },
    { name: 'bound to another node', r: replica('n8', ReplicaPhase.REPLICA_PHASE_READY), want: false },
    { name: 'same node name in another cell', r: replica('n7', ReplicaPhase.REPLICA_PHASE_READY, 'c2'), want: false },
  ])('$name -> evicted $want', ({ r, want }) => {
    expect(awaitsEviction(r, 'c1', 'n7')).toBe(want);
    expect(nodeLostReplicaStatus(r, 'c1', 'n7') !== undefined).toBe(want);
  });
});
