import { NodePhase, ReplicaPhase, Tier, type Replica } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { planCapacity, type CapacityInput, type CapacityPlan } from './plan-capacity';
import { deployment, node, pool, replica } from '@helios/scheduling/testing';

const R = Tier.TIER_RESERVED;
const OD = Tier.TIER_ON_DEMAND;
const P = Tier.TIER_PREEMPTIBLE;
const NOW = new Date('2025-01-01T12:00:00Z');
const READY = ReplicaPhase.REPLICA_PHASE_READY;

/** The plan as plain rows: `cell/pool desired reason` and `cell gpuType gpus reason`. */
function summary(plan: CapacityPlan): { pools: string[]; unmet: string[] } {
  return {
    pools: plan.pools.map((p) => `${p.cell}/${p.pool} ${p.desired} ${p.reason}`),
    unmet: plan.unmet.map((u) => `${u.cell} ${u.gpuType} ${u.gpus} ${u.reason} [${u.replicas.join(' ')}]`),
  };
}

function input(partial: Partial<CapacityInput>): CapacityInput {
  return { pools: [], nodes: [], replicas: [], deployments: [deployment('d')], ...partial };
}

/** `count` replicas of `d` placed in `cell` and waiting for a node. */
function waiting(count: number, gpus: number, o: { cell?: string; tier?: Tier; prefix?: string; deployment?: string } = {}): Replica[] {
  return Array.from({ length: count }, (_, i) =>
    replica(o.deployment ?? 'd', `${o.prefix ?? `w${gpus}`}-${i}`, { cell: o.cell ?? 'east', gpus, tier: o.tier ?? Tier.TIER_UNSPECIFIED }),
  );
}

/** A replica of `d` running on a node, holding GPUs 0..gpus-1 (or `from`..). */
function runningOn(nodeName: string, gpus: number, from = 0, cellName = 'east'): Replica {
  const indices = Array.from({ length: gpus }, (_, i) => from + i);
  return replica('d', `on-${nodeName}-${from}`, { cell: cellName, node: nodeName, gpus, indices, phase: READY });
}

const tiers = () => [pool('east', 'od', { tier: OD, max: 10 }), pool('east', 'res', { tier: R, max: 2 }), pool('east', 'spot', { tier: P, max: 4 })];

describe('planCapacity', () => {
  it.each<{ name: string; input: CapacityInput; now?: Date; pools: string[]; unmet?: string[] }>([
    {
      name: 'worked example: reserved to max, then preemptible to max, then on-demand (= ceil(60 / 8) nodes)',
      input: input({ pools: tiers(), replicas: [...waiting(5, 8), ...waiting(5, 4)] }),
      pools: ['east/od 2 ScaleUp', 'east/res 2 ScaleUp', 'east/spot 4 ScaleUp'],
    },
    {
      name: 'worked example: a deployment that forbids preemptible gets on-demand instead',
      input: input({ pools: tiers(), replicas: [...waiting(5, 8), ...waiting(5, 4)], deployments: [deployment('d', { allowed: [R, OD] })] }),
      pools: ['east/od 6 ScaleUp', 'east/res 2 ScaleUp', 'east/spot 0 Steady'],
    },
    {
      name: 'a replica with a tier only counts against pools of that tier',
      input: input({ pools: tiers(), replicas: waiting(2, 4, { tier: P }) }),
      pools: ['east/od 0 Steady', 'east/res 0 Steady', 'east/spot 1 ScaleUp'],
    },
    {
      name: 'GPUs to nodes by ceil: five 4-GPU replicas on 8-GPU nodes -> ceil(20 / 8) = 3',
      input: input({ pools: [pool('east', 'od')], replicas: waiting(5, 4) }),
      pools: ['east/od 3 ScaleUp'],
    },
    {
      name: 'worked example: five 3-GPU replicas on 8-GPU nodes need 3 nodes, not ceil(15 / 8) = 2',
      input: input({ pools: [pool('east', 'od')], replicas: waiting(5, 3) }),
      pools: ['east/od 3 ScaleUp'],
    },
    {
      name: 'replicas that fit in free GPUs of serving nodes need no new node',
      input: input({
        pools: [pool('east', 'od', { desired: 1 })],
        nodes: [node('east', 'a', { pool: 'od' })],
        replicas: [runningOn('a', 4), ...waiting(2, 2)],
      }),
      pools: ['east/od 1 Steady'],
    },
    {
      name: 'a Provisioning node is counted on; a Draining, NotReady or cordoned one is replaced',
      input: input({
        pools: [pool('east', 'od', { desired: 4 })],
        nodes: [
          node('east', 'p', { pool: 'od', phase: NodePhase.NODE_PHASE_PROVISIONING }),
          node('east', 'x', { pool: 'od', phase: NodePhase.NODE_PHASE_DRAINING }),
          node('east', 'y', { pool: 'od', phase: NodePhase.NODE_PHASE_NOT_READY }),
          node('east', 'z', { pool: 'od', unschedulable: true }),
        ],
        replicas: [runningOn('x', 8), runningOn('y', 8), runningOn('z', 8), ...waiting(4, 8)],
      }),
      pools: ['east/od 4 Steady'],
    },
    {
      name: 'a pool in CapacityUnavailable backoff is skipped: the demand falls to the next tier',
      input: input({
        pools: [pool('east', 'res', { tier: R, unavailableSince: '2025-01-01T11:58:00Z' }), pool('east', 'od')],
        replicas: waiting(1, 8),
      }),
      pools: ['east/od 1 ScaleUp', 'east/res 0 Steady'],
    },
    {
      name: 'after its backoff the pool is asked again',
      input: input({
        pools: [pool('east', 'res', { tier: R, unavailableSince: '2025-01-01T11:50:00Z' }), pool('east', 'od')],
        replicas: waiting(1, 8),
      }),
      pools: ['east/od 0 Steady', 'east/res 1 ScaleUp'],
    },
    {
      name: 'demand no pool can take is unmet, by reason',
      input: input({
        pools: [pool('east', 'full', { max: 1 }), pool('east', 'out', { gpuType: 'a100', unavailableSince: '2025-01-01T11:59:00Z' })],
        replicas: [
          ...waiting(2, 8),
          replica('d', 'a', { cell: 'east', gpus: 4, gpuType: 'a100' }),
          replica('d', 'b', { cell: 'east', gpus: 4, gpuType: 'b200' }),
          replica('d', 'huge', { cell: 'east', gpus: 16 }),
        ],
      }),
      pools: ['east/full 1 ScaleUp', 'east/out 0 Steady'],
      unmet: [
        'east h100 16 NoMatchingPool [d/huge]',
        'east h100 8 PoolsAtMax [d/w8-1]',
        'east a100 4 CapacityUnavailable [d/a]',
        'east b200 4 NoMatchingPool [d/b]',
      ],
    },
    {
      name: 'never below min, and a waiting replica counts on the min nodes first',
      input: input({ pools: [pool('east', 'od'), pool('east', 'res', { tier: R, min: 2, max: 2 }), pool('east', 'spot', { tier: P, min: 1 })], replicas: waiting(2, 8) }),
      pools: ['east/od 0 Steady', 'east/res 2 ScaleUp', 'east/spot 1 ScaleUp'],
    },
    {
      name: 'never above max, even when busy nodes exceed a lowered max',
      input: input({
        pools: [pool('east', 'od', { max: 1, desired: 2 })],
        nodes: [node('east', 'a', { pool: 'od' }), node('east', 'b', { pool: 'od' })],
        replicas: [runningOn('a', 8), runningOn('b', 8)],
      }),
      pools: ['east/od 1 AtMax'],
    },
    {
      name: 'busy nodes are never scaled down',
      input: input({
        pools: [pool('east', 'od', { desired: 3 })],
        nodes: ['a', 'b', 'c'].map((n) => node('east', n, { pool: 'od' })),
        replicas: ['a', 'b', 'c'].map((n) => runningOn(n, 1)),
      }),
      pools: ['east/od 3 Steady'],
    },
    {
      name: 'worked example: scale-down waits out the cooldown',
      input: input({
        pools: [pool('east', 'od', { min: 1, desired: 5 })],
        nodes: ['a', 'b', 'c', 'd', 'e'].map((n) => node('east', n, { pool: 'od' })),
        replicas: [runningOn('a', 5), runningOn('b', 5)],
        lastScaleUpAt: { 'east/od': '2025-01-01T11:58:00Z' },
        options: { headroomGpus: 8, scaleDownCooldownSeconds: 300 },
      }),
      pools: ['east/od 5 CooldownHold'],
    },
    {
      name: 'worked example: after the cooldown only idle nodes go, headroom kept',
      input: input({
        pools: [pool('east', 'od', { min: 1, desired: 5 })],
        nodes: ['a', 'b', 'c', 'd', 'e'].map((n) => node('east', n, { pool: 'od' })),
        replicas: [runningOn('a', 5), runningOn('b', 5)],
        lastScaleUpAt: { 'east/od': '2025-01-01T11:50:00Z' },
        options: { headroomGpus: 8, scaleDownCooldownSeconds: 300 },
      }),
      pools: ['east/od 3 ScaleDown'],
    },
    {
      name: 'scale-down takes preemptible first, then on-demand, keeping reserved',
      input: input({
        pools: [pool('east', 'spot', { tier: P, desired: 2 }), pool('east', 'od', { tier: OD, desired: 2 }), pool('east', 'res', { tier: R, desired: 2 })],
        nodes: [
          node('east', 's1', { pool: 'spot', tier: P }),
          node('east', 's2', { pool: 'spot', tier: P }),
          node('east', 'o1', { pool: 'od', tier: OD }),
          node('east', 'o2', { pool: 'od', tier: OD }),
          node('east', 'r1', { pool: 'res', tier: R }),
          node('east', 'r2', { pool: 'res', tier: R }),
        ],
        options: { headroomGpus: 24 },
      }),
      pools: ['east/od 1 ScaleDown', 'east/res 2 Steady', 'east/spot 0 ScaleDown'],
    },
    {
      name: 'reserved never goes below min',
      input: input({
        pools: [pool('east', 'res', { tier: R, min: 2, desired: 3 })],
        nodes: ['a', 'b', 'c'].map((n) => node('east', n, { pool: 'res', tier: R })),
      }),
      pools: ['east/res 2 AtMin'],
    },
    {
      name: 'headroom: demand 30 GPUs, 4 + 10 % -> 7 free wanted, 2 free -> one more node',
      input: input({
        pools: [pool('east', 'od', { desired: 4 })],
        nodes: ['a', 'b', 'c', 'd'].map((n) => node('east', n, { pool: 'od' })),
        replicas: [runningOn('a', 8), runningOn('b', 8), runningOn('c', 8), runningOn('d', 6)],
        options: { headroomGpus: 4, headroomPercent: 10 },
      }),
      pools: ['east/od 5 ScaleUp'],
    },
    {
      name: 'headroom stays off tiers left out of headroomTiers',
      input: input({ pools: tiers(), options: { headroomGpus: 8, headroomTiers: [OD] } }),
      pools: ['east/od 1 ScaleUp', 'east/res 0 Steady', 'east/spot 0 Steady'],
    },
    {
      name: 'headroom goes to the cheapest tier by default',
      input: input({ pools: tiers(), options: { headroomGpus: 8 } }),
      pools: ['east/od 0 Steady', 'east/res 1 ScaleUp', 'east/spot 0 Steady'],
    },
    {
      name: 'launches asked for but no longer needed are cancelled once the cooldown is over',
      input: input({ pools: [pool('east', 'od', { desired: 3 })], nodes: [node('east', 'a', { pool: 'od' })], replicas: [runningOn('a', 8)] }),
      pools: ['east/od 1 ScaleDown'],
    },
    {
      name: 'a pool in backoff holds only the nodes it has: its failed launches are not held by the cooldown',
      input: input({
        pools: [pool('east', 'od', { desired: 3, unavailableSince: '2025-01-01T11:59:00Z' })],
        nodes: [node('east', 'a', { pool: 'od' })],
        replicas: [runningOn('a', 8)],
        lastScaleUpAt: { 'east/od': '2025-01-01T11:59:00Z' },
      }),
      pools: ['east/od 1 Steady'],
    },
    {
      name: 'cells are planned separately; replicas and nodes of other cells do not count',
      input: input({
        pools: [pool('east', 'od'), pool('west', 'od')],
        nodes: [node('west', 'w', { pool: 'od' }), node('north', 'n')],
        replicas: [...waiting(1, 8, { cell: 'west' }), ...waiting(1, 8, { cell: 'north' }), ...waiting(1, 8, { cell: 'east' })],
      }),
      pools: ['east/od 1 ScaleUp', 'west/od 1 Steady'],
    },
    {
      name: 'Failed, Terminating and bound replicas do not wait for capacity',
      input: input({
        pools: [pool('east', 'od')],
        replicas: [
          replica('d', 'f', { cell: 'east', gpus: 8, phase: ReplicaPhase.REPLICA_PHASE_FAILED }),
          replica('d', 't', { cell: 'east', gpus: 8, phase: ReplicaPhase.REPLICA_PHASE_TERMINATING }),
          replica('d', 'u', { gpus: 8 }),
        ],
      }),
      pools: ['east/od 0 Steady'],
    },
  ])('$name', ({ input: i, now = NOW, pools, unmet = [] }) => {
    expect(summary(planCapacity(i, now))).toEqual({ pools, unmet });
  });

  it('reports direction against status.desired, and the counts behind it', () => {
    const plan = planCapacity(
      input({ pools: [pool('east', 'od', { desired: 1 })], nodes: [node('east', 'a', { pool: 'od' })], replicas: [runningOn('a', 8), ...waiting(1, 8)] }),
      NOW,
    );
    expect(plan.pools).toEqual([
      { cell: 'east', pool: 'od', desired: 2, reason: 'ScaleUp', message: '2 needed of 1 serving (0 idle, 1 to add)', direction: 'up', serving: 1, idle: 0 },
    ]);
  });

  it('explains unmet demand', () => {
    const plan = planCapacity(input({ pools: [pool('east', 'od', { max: 0 })], replicas: waiting(2, 4) }), NOW);
    expect(plan.unmet[0]!.message).toBe('2 replica(s), 8 h100 GPUs on reserved, preemptible, on-demand: every matching pool in cell east is at its max');
  });

  it('reports demand in a cell without pools as unmet, unless its nodes can take it', () => {
    const plan = planCapacity(input({ nodes: [node('north', 'n', { gpus: 2 })], replicas: [...waiting(1, 2, { cell: 'north' }), ...waiting(1, 4, { cell: 'north' })] }), NOW);
    expect(summary(plan)).toEqual({ pools: [], unmet: ['north h100 4 NoMatchingPool [d/w4-0]'] });
  });

  it('plans nothing without pools or demand', () => {
    expect(planCapacity(input({}), NOW)).toEqual({ pools: [], unmet: [] });
  });
});
