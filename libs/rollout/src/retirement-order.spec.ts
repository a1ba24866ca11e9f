import { Replica, ReplicaPhase } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { retirementOrder } from './retirement-order';
import { T0, names, replica } from './testing/rollout-fixtures';

describe('retirementOrder', () => {
  // Mirrors the example in retirement-order.ts: node "full" holds 4 GPUs, node "light" holds 1.
  it('takes replicas that serve nothing first, then empties the lightest node', () => {
    const onNode = (r: Replica, node: string, gpus: number): Replica => ({ ...r, spec: { ...r.spec!, node, gpuIndices: Array.from({ length: gpus }, (_, i) => i) } });
    const r1 = onNode(replica('v1', 1, ReplicaPhase.REPLICA_PHASE_READY, { name: 'r1' }), 'full', 1);
    const r2 = onNode(replica('v1', 1, ReplicaPhase.REPLICA_PHASE_STARTING, { name: 'r2' }), 'full', 1);
    const r3 = onNode(replica('v1', 1, ReplicaPhase.REPLICA_PHASE_READY, { name: 'r3' }), 'light', 1);
    const filler = onNode(replica('v1', 1, ReplicaPhase.REPLICA_PHASE_READY, { name: 'filler' }), 'full', 2);
    expect(names(retirementOrder([r1, r2, r3], 0, T0, [r1, r2, r3, filler]))).toEqual(['r2', 'r3', 'r1']);
  });

  it('puts Ready replicas still within minReadySeconds before available ones, and unbound ones first', () => {
    const available = replica('v1', 1, ReplicaPhase.REPLICA_PHASE_READY, { name: 'available', readySeconds: 0 });
    const warming = replica('v1', 1, ReplicaPhase.REPLICA_PHASE_READY, { name: 'warming', readySeconds: 8 });
    const pending = replica('v1', 1, ReplicaPhase.REPLICA_PHASE_PENDING, { name: 'pending', node: '' });
    expect(names(retirementOrder([available, warming, pending], 5, T0 + 10_000))).toEqual(['pending', 'warming', 'available']);
  });
});
