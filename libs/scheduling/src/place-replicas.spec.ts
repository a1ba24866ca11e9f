import { CellPhase, NodePhase, Replica, ReplicaPhase, SpreadPolicy, Tier, tierWord } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { placeReplicas, type PlacementInput, type PlacementPlan } from './place-replicas';
import { cell, deployment, node, pendingReplicas, pool, replica } from './testing/fixtures';

const R = Tier.TIER_RESERVED;
const OD = Tier.TIER_ON_DEMAND;
const P = Tier.TIER_PREEMPTIBLE;
const SPREAD = SpreadPolicy.SPREAD_POLICY_SPREAD;

/** The plan as plain rows: `name -> cell tier` and `name: reason`. */
function summary(plan: PlacementPlan): { placed: string[]; unplaceable: string[] } {
  return {
    placed: plan.assignments.map((a) => `${a.replica.metadata!.name} -> ${a.cell} ${tierWord(a.tier)}`),
    unplaceable: plan.unplaceable.map((u) => `${u.replica.metadata!.name}: ${u.reason}`),
  };
}

function input(partial: Partial<PlacementInput> & Pick<PlacementInput, 'deployment'>): PlacementInput {
  return { replicas: [], cells: [cell('east'), cell('west')], pools: [], nodes: [], ...partial };
}

/** A replica of `d` already placed and running in a cell. */
function running(name: string, cellName: string, tier: Tier, o: { gpus?: number; phase?: ReplicaPhase } = {}): Replica {
  return replica('d', name, { cell: cellName, tier, gpus: o.gpus ?? 1, phase: o.phase ?? ReplicaPhase.REPLICA_PHASE_READY });
}

describe('placeReplicas', () => {
  it.each<{ name: string; input: PlacementInput; placed: string[]; unplaceable?: string[] }>([
    {
      name: 'worked example (PACK): free reserved, then free on-demand, never an unreachable cell',
      input: input({
        deployment: deployment('d', { replicas: 4, gpus: 2 }),
        replicas: pendingReplicas('d', 4, 2),
        cells: [cell('east'), cell('west'), cell('north', CellPhase.CELL_PHASE_UNREACHABLE)],
        pools: [pool('east', 'od', { tier: OD, max: 2 })],
        nodes: [node('east', 'e1', { tier: R, gpus: 4 }), node('west', 'w1', { tier: OD }), node('north', 'n1', { tier: R })],
      }),
      placed: ['d-0 -> east reserved', 'd-1 -> east reserved', 'd-2 -> west on-demand', 'd-3 -> west on-demand'],
    },
    {
      name: 'worked example (SPREAD): balance counting the replica already in east',
      input: input({
        deployment: deployment('d', { replicas: 5, spread: SPREAD }),
        replicas: [running('old', 'east', OD), ...pendingReplicas('d', 4)],
        nodes: [node('east', 'e1'), node('west', 'w1', { gpus: 9 })],
      }),
      placed: ['d-0 -> west on-demand', 'd-1 -> east on-demand', 'd-2 -> west on-demand', 'd-3 -> east on-demand'],
    },
    {
      name: 'worked example (tier policy): 50 % of 8 with 1 preemptible already -> 3 more preemptible',
      input: input({
        deployment: deployment('d', { replicas: 8, maxPreemptiblePercent: 50 }),
        replicas: [running('old', 'east', P), ...pendingReplicas('d', 7)],
        nodes: [node('east', 'spot', { tier: P }), node('east', 'od', { tier: OD })],
      }),
      placed: [
        'd-0 -> east preemptible',
        'd-1 -> east preemptible',
        'd-2 -> east preemptible',
        'd-3 -> east on-demand',
        'd-4 -> east on-demand',
        'd-5 -> east on-demand',
        'd-6 -> east on-demand',
      ],
    },
    {
      name: 'PACK puts the replica in the cell with the cheapest option, not the emptiest',
      input: input({
        deployment: deployment('d', { replicas: 2 }),
        replicas: pendingReplicas('d', 2),
        nodes: [node('east', 'e1', { tier: OD }), node('west', 'w1', { tier: P })],
      }),
      placed: ['d-0 -> west preemptible', 'd-1 -> west preemptible'],
    },
    {
      name: '"reserved or on-demand only" never lands on preemptible, even when it is free',
      input: input({
        deployment: deployment('d', { replicas: 2, allowed: [R, OD] }),
        replicas: pendingReplicas('d', 2),
        pools: [pool('east', 'od', { tier: OD, max: 1 })],
        nodes: [node('east', 'spot', { tier: P }), node('west', 'spot', { tier: P })],
      }),
      placed: ['d-0 -> east on-demand', 'd-1 -> east on-demand'],
    },
    {
      name: 'cells not Ready get nothing',
      input: input({
        deployment: deployment('d', { replicas: 1 }),
        replicas: pendingReplicas('d', 1),
        cells: [cell('a', CellPhase.CELL_PHASE_DEGRADED), cell('b', CellPhase.CELL_PHASE_PENDING), cell('c')],
        nodes: [node('a', 'n', { tier: R }), node('b', 'n', { tier: R }), node('c', 'n', { tier: OD })],
      }),
      placed: ['d-0 -> c on-demand'],
    },
    {
      name: 'only the allowed cells',
      input: input({
        deployment: deployment('d', { replicas: 1, cells: ['west'] }),
        replicas: pendingReplicas('d', 1),
        nodes: [node('east', 'e', { tier: R }), node('west', 'w', { tier: OD })],
      }),
      placed: ['d-0 -> west on-demand'],
    },
    {
      name: 'free capacity of the wrong GPU type does not count; a pool of the right type does',
      input: input({
        deployment: deployment('d', { replicas: 1, gpus: 4, gpuType: 'h100' }),
        replicas: pendingReplicas('d', 1, 4, 'h100'),
        pools: [pool('west', 'h', { gpuType: 'h100', tier: OD })],
        nodes: [node('east', 'a', { gpuType: 'a100', tier: R })],
      }),
      placed: ['d-0 -> west on-demand'],
    },
    {
      name: 'pool headroom stops at max: one 8-GPU node holds two 4-GPU replicas',
      input: input({
        deployment: deployment('d', { replicas: 3, gpus: 4 }),
        replicas: pendingReplicas('d', 3, 4),
        cells: [cell('east')],
        pools: [pool('east', 'od', { max: 1 })],
      }),
      placed: ['d-0 -> east on-demand', 'd-1 -> east on-demand'],
      unplaceable: ['d-2: NoCapacity'],
    },
    {
      name: 'a pool in CapacityUnavailable backoff is skipped: the demand falls to the next tier',
      input: input({
        deployment: deployment('d', { replicas: 1, gpus: 8 }),
        replicas: pendingReplicas('d', 1, 8),
        cells: [cell('east')],
        pools: [pool('east', 'res', { tier: R, unavailableSince: '2025-01-01T10:00:00Z' }), pool('east', 'od', { tier: OD })],
        now: new Date('2025-01-01T10:01:00Z'),
      }),
      placed: ['d-0 -> east on-demand'],
    },
    {
      name: 'a pool in CapacityUnavailable backoff is skipped: the demand falls to the next cell',
      input: input({
        deployment: deployment('d', { replicas: 1, gpus: 8 }),
        replicas: pendingReplicas('d', 1, 8),
        pools: [pool('east', 'res', { tier: R, unavailableSince: '2025-01-01T10:00:00Z' }), pool('west', 'od', { tier: OD })],
        now: new Date('2025-01-01T10:01:00Z'),
      }),
      placed: ['d-0 -> west on-demand'],
    },
    {
      name: 'after its backoff the pool is tried again',
      input: input({
        deployment: deployment('d', { replicas: 1, gpus: 8 }),
        replicas: pendingReplicas('d', 1, 8),
        pools: [pool('east', 'res', { tier: R, unavailableSince: '2025-01-01T10:00:00Z' }), pool('west', 'od', { tier: OD })],
        now: new Date('2025-01-01T10:06:00Z'),
      }),
      placed: ['d-0 -> east reserved'],
    },
    {
      name: 'GPUs spoken for by replicas placed but not bound yet are not offered twice',
      input: input({
        deployment: deployment('d', { replicas: 1, gpus: 8 }),
        replicas: [replica('other', 'o', { cell: 'east', gpus: 8 }), ...pendingReplicas('d', 1, 8)],
        nodes: [node('east', 'e', { tier: R }), node('west', 'w', { tier: OD })],
      }),
      placed: ['d-0 -> west on-demand'],
    },
    {
      name: 'GPUs held by bound replicas are not free',
      input: input({
        deployment: deployment('d', { replicas: 1, gpus: 2 }),
        replicas: [
          replica('other', 'o', { cell: 'east', node: 'e', gpus: 7, indices: [0, 1, 2, 3, 4, 5, 6], phase: ReplicaPhase.REPLICA_PHASE_READY }),
          ...pendingReplicas('d', 1, 2),
        ],
        nodes: [node('east', 'e', { tier: R }), node('west', 'w', { tier: OD })],
      }),
      placed: ['d-0 -> west on-demand'],
    },
    {
      name: 'a launch in flight (desired above serving nodes) is capacity on its way, and uses the pool up',
      input: input({
        deployment: deployment('d', { replicas: 2, gpus: 8 }),
        replicas: pendingReplicas('d', 2, 8),
        cells: [cell('east')],
        pools: [pool('east', 'od', { max: 1, desired: 1 })],
      }),
      placed: ['d-0 -> east on-demand'],
      unplaceable: ['d-1: NoCapacity'],
    },
    {
      name: 'a Provisioning node is capacity on its way; a Draining one is not capacity',
      input: input({
        deployment: deployment('d', { replicas: 2, gpus: 8 }),
        replicas: pendingReplicas('d', 2, 8),
        cells: [cell('east')],
        pools: [pool('east', 'od', { max: 1, desired: 1 })],
        nodes: [node('east', 'p', { pool: 'od', phase: NodePhase.NODE_PHASE_PROVISIONING }), node('east', 'x', { phase: NodePhase.NODE_PHASE_DRAINING })],
      }),
      placed: ['d-0 -> east on-demand'],
      unplaceable: ['d-1: NoCapacity'],
    },
    {
      name: 'free on-demand now beats a reserved node that would have to be added',
      input: input({
        deployment: deployment('d', { replicas: 1 }),
        replicas: pendingReplicas('d', 1),
        pools: [pool('east', 'res', { tier: R })],
        nodes: [node('west', 'w', { tier: OD })],
      }),
      placed: ['d-0 -> west on-demand'],
    },
    {
      name: 'between cells that can add the same tier, the cheaper pool per GPU wins',
      input: input({
        deployment: deployment('d', { replicas: 1 }),
        replicas: pendingReplicas('d', 1),
        pools: [pool('east', 'od', { price: 40 }), pool('west', 'od', { price: 32 })],
      }),
      placed: ['d-0 -> west on-demand'],
    },
    {
      name: 'a replica larger than any node fits nowhere',
      input: input({
        deployment: deployment('d', { replicas: 1, gpus: 16 }),
        replicas: pendingReplicas('d', 1, 16),
        pools: [pool('east', 'od')],
        nodes: [node('west', 'w')],
      }),
      placed: [],
      unplaceable: ['d-0: NoCapacity'],
    },
    {
      name: 'preemptible-only with its share used up',
      input: input({
        deployment: deployment('d', { replicas: 2, allowed: [P], maxPreemptiblePercent: 50 }),
        replicas: [running('old', 'east', P), ...pendingReplicas('d', 1)],
        nodes: [node('east', 'spot', { tier: P })],
      }),
      placed: [],
      unplaceable: ['d-0: PreemptibleLimit'],
    },
    {
      name: 'Failed and Terminating replicas count neither toward the spread nor the preemptible share',
      input: input({
        deployment: deployment('d', { replicas: 2, spread: SPREAD, maxPreemptiblePercent: 50 }),
        replicas: [
          running('dead', 'east', P, { phase: ReplicaPhase.REPLICA_PHASE_FAILED }),
          running('leaving', 'east', P, { phase: ReplicaPhase.REPLICA_PHASE_TERMINATING }),
          ...pendingReplicas('d', 2),
        ],
        nodes: [node('east', 'spot', { tier: P }), node('west', 'od', { tier: OD })],
      }),
      placed: ['d-0 -> east preemptible', 'd-1 -> west on-demand'],
    },
    {
      name: 'replicas already placed, bound or on their way out are not placed again; other deployments are ignored',
      input: input({
        deployment: deployment('d', { replicas: 3 }),
        replicas: [
          running('placed', 'east', OD),
          replica('d', 'failed', { phase: ReplicaPhase.REPLICA_PHASE_FAILED }),
          replica('other', 'o-0'),
          ...pendingReplicas('d', 1),
        ],
        nodes: [node('east', 'e')],
      }),
      placed: ['d-0 -> east on-demand'],
    },
    {
      name: 'larger replicas are placed first so they get the whole node',
      input: input({
        deployment: deployment('d', { replicas: 2 }),
        replicas: [replica('d', 'a-small', { gpus: 1 }), replica('d', 'b-large', { gpus: 8 })],
        cells: [cell('east')],
        nodes: [node('east', 'e1', { tier: R }), node('east', 'e2', { tier: R, gpus: 1 })],
      }),
      placed: ['b-large -> east reserved', 'a-small -> east reserved'],
    },
    {
      name: 'a replica without its own template takes the deployment template',
      input: input({
        deployment: deployment('d', { replicas: 1, gpus: 8 }),
        replicas: [Replica.fromPartial({ metadata: { name: 'bare' }, spec: { deployment: 'd' }, status: { phase: ReplicaPhase.REPLICA_PHASE_PENDING } })],
        cells: [cell('east')],
        nodes: [node('east', 'small', { gpus: 4, tier: R }), node('east', 'big', { tier: OD })],
      }),
      placed: ['bare -> east on-demand'],
    },
  ])('$name', ({ input: i, placed, unplaceable = [] }) => {
    expect(summary(placeReplicas(i))).toEqual({ placed, unplaceable });
  });

  it('says which allowed cells are not Ready and why', () => {
    const plan = placeReplicas(
      input({
        deployment: deployment('d', { cells: ['east', 'gone', 'west'] }),
        replicas: pendingReplicas('d', 1),
        cells: [cell('east', CellPhase.CELL_PHASE_UNREACHABLE), cell('west', CellPhase.CELL_PHASE_DEGRADED)],
      }),
    );
    expect(plan.unplaceable.map((u) => [u.reason, u.message])).toEqual([
      ['NoReadyCell', 'no allowed cell is Ready (east: Unreachable, gone: unknown, west: Degraded)'],
    ]);
  });

  it('says what it looked for when nothing fits', () => {
    const plan = placeReplicas(input({ deployment: deployment('d', { gpus: 4, allowed: [R, OD] }), replicas: pendingReplicas('d', 1, 4) }));
    expect(plan.unplaceable[0]!.message).toBe('no Ready allowed cell (east, west) has free or addable capacity for 4 h100 GPUs on one node on tiers reserved, on-demand');
  });

  it('returns nothing to do when no replica is pending', () => {
    expect(placeReplicas(input({ deployment: deployment('d'), cells: [] }))).toEqual({ assignments: [], unplaceable: [] });
  });
});
