import { Replica, ReplicaPhase, Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { changesFootprint, sameFootprint } from './replica-footprint';

const P = ReplicaPhase;
const T = '2025-01-01T00:00:00.000Z';

/** A 1-GPU h100 replica of deployment d. */
const replica = (o: { cell?: string; node?: string; indices?: number[]; phase?: ReplicaPhase; deletionTime?: string; tier?: Tier; gpus?: number; endpoint?: string }) =>
  Replica.fromPartial({
    metadata: { name: 'r', deletionTime: o.deletionTime },
    spec: { deployment: 'd', cell: o.cell ?? '', node: o.node ?? '', gpuIndices: o.indices ?? [], tier: o.tier ?? Tier.TIER_UNSPECIFIED, template: { gpus: o.gpus ?? 1, gpuType: 'h100' } },
    status: { phase: o.phase ?? P.REPLICA_PHASE_PENDING, endpoint: o.endpoint ?? '' },
  });

describe('sameFootprint', () => {
  // Mirrors the worked example in replica-footprint.ts, then the other fields one by one.
  it.each<{ name: string; a: Replica | undefined; b: Replica | undefined; same: boolean }>([
    { name: 'Bound -> Ready on the same GPUs', a: replica({ cell: 'c1', node: 'n1', indices: [3], phase: P.REPLICA_PHASE_BOUND }), b: replica({ cell: 'c1', node: 'n1', indices: [3], phase: P.REPLICA_PHASE_READY, endpoint: '10.0.0.1:80' }), same: true },
    { name: 'Pending in c1 -> Bound', a: replica({ cell: 'c1' }), b: replica({ cell: 'c1', node: 'n1', indices: [0], phase: P.REPLICA_PHASE_BOUND }), same: false },
    { name: 'Ready -> retired on its node', a: replica({ cell: 'c1', node: 'n1', phase: P.REPLICA_PHASE_READY }), b: replica({ cell: 'c1', node: 'n1', phase: P.REPLICA_PHASE_TERMINATING, deletionTime: T }), same: true },
    { name: 'Pending in c1 -> retired', a: replica({ cell: 'c1' }), b: replica({ cell: 'c1', deletionTime: T }), same: false },
    { name: 'absent -> Pending', a: undefined, b: replica({}), same: false },
    { name: 'absent -> absent', a: undefined, b: undefined, same: true },
    { name: 'no cell -> placed in c1', a: replica({}), b: replica({ cell: 'c1', tier: Tier.TIER_ON_DEMAND }), same: false },
    { name: 'tier set', a: replica({ cell: 'c1' }), b: replica({ cell: 'c1', tier: Tier.TIER_RESERVED }), same: false },
    { name: 'other GPU indices', a: replica({ cell: 'c1', node: 'n1', indices: [1] }), b: replica({ cell: 'c1', node: 'n1', indices: [2] }), same: false },
    { name: 'other size', a: replica({ cell: 'c1' }), b: replica({ cell: 'c1', gpus: 2 }), same: false },
    { name: 'unbound in c1, Pending -> Failed (waits no more)', a: replica({ cell: 'c1' }), b: replica({ cell: 'c1', phase: P.REPLICA_PHASE_FAILED }), same: false },
    { name: 'bound, Ready -> Failed (still holds its GPU)', a: replica({ cell: 'c1', node: 'n1', phase: P.REPLICA_PHASE_READY }), b: replica({ cell: 'c1', node: 'n1', phase: P.REPLICA_PHASE_FAILED }), same: true },
  ])('$name -> same $same', ({ a, b, same }) => {
    expect(sameFootprint(a, b)).toBe(same);
    expect(sameFootprint(b, a)).toBe(same);
  });

  it('changesFootprint: an addition or deletion always changes it, a modification when the states differ', () => {
    const placed = replica({ cell: 'c1' });
    const ready = replica({ cell: 'c1', node: 'n1', indices: [0], phase: P.REPLICA_PHASE_READY });
    expect(changesFootprint({ type: 'added', object: placed })).toBe(true);
    expect(changesFootprint({ type: 'deleted', object: ready })).toBe(true);
    expect(changesFootprint({ type: 'modified', object: ready, previous: { ...ready, status: { ...ready.status!, phase: P.REPLICA_PHASE_STARTING } } })).toBe(false);
    expect(changesFootprint({ type: 'modified', object: ready, previous: placed })).toBe(true);
  });
});
