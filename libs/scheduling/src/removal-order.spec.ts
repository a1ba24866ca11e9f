import { ReplicaPhase, Tier, type Replica } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { removalOrder } from './removal-order';
import { replica } from './testing/fixtures';

const READY = ReplicaPhase.REPLICA_PHASE_READY;

/** A replica of `dep` on a node of east, holding GPUs from..from+gpus-1. */
function on(dep: string, name: string, nodeName: string, gpus: number, from = 0, o: { tier?: Tier; phase?: ReplicaPhase } = {}): Replica {
  const indices = Array.from({ length: gpus }, (_, i) => from + i);
  return replica(dep, name, { cell: 'east', node: nodeName, gpus, indices, tier: o.tier ?? Tier.TIER_ON_DEMAND, phase: o.phase ?? READY });
}

const names = (rs: Replica[]) => rs.map((r) => r.metadata!.name);

describe('removalOrder', () => {
  it('worked example: empties node b before touching c', () => {
    const mine = [on('d', 'r1', 'a', 4), on('d', 'r2', 'b', 2), on('d', 'r3', 'c', 1), on('d', 'r4', 'b', 1, 2)];
    const others = [on('x', 'a-rest', 'a', 4, 4), on('x', 'c-rest', 'c', 2, 1)];
    expect(names(removalOrder(mine, [...mine, ...others]))).toEqual(['r2', 'r4', 'r3', 'r1']);
  });

  it.each([
    {
      name: 'replicas holding no GPU go first: no cell, then no node',
      mine: [on('d', 'bound', 'a', 1), replica('d', 'placed', { cell: 'east' }), replica('d', 'unplaced')],
      want: ['unplaced', 'placed', 'bound'],
    },
    {
      name: 'on equally loaded nodes: not Ready before Ready, then the dearer tier, then the larger',
      mine: [
        on('d', 'ready-od', 'a', 2),
        on('d', 'starting', 'b', 2, 0, { phase: ReplicaPhase.REPLICA_PHASE_STARTING }),
        on('d', 'ready-res', 'c', 2, 0, { tier: Tier.TIER_RESERVED }),
        on('d', 'ready-spot', 'e', 2, 0, { tier: Tier.TIER_PREEMPTIBLE }),
      ],
      want: ['starting', 'ready-od', 'ready-spot', 'ready-res'],
    },
    {
      name: 'the emptiest node first',
      mine: [on('d', 'full', 'a', 8), on('d', 'half', 'b', 4), on('d', 'light', 'c', 1)],
      want: ['light', 'half', 'full'],
    },
  ])('$name', ({ mine, want }) => {
    expect(names(removalOrder(mine, mine))).toEqual(want);
  });

  it('leaves the input alone', () => {
    const mine = [on('d', 'b', 'a', 8), on('d', 'a', 'b', 1)];
    removalOrder(mine, mine);
    expect(names(mine)).toEqual(['b', 'a']);
  });
});
