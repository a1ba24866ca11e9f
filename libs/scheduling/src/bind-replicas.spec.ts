import { NodePhase, ReplicaPhase, Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { bindReplicas, type BindingInput, type BindingPlan } from './bind-replicas';
import { node, replica } from './testing/fixtures';

const R = Tier.TIER_RESERVED;
const OD = Tier.TIER_ON_DEMAND;
const P = Tier.TIER_PREEMPTIBLE;

/** The plan as plain rows: `name -> node [indices]` and `name: reason`. */
function summary(plan: BindingPlan): { bound: string[]; unbound: string[] } {
  return {
    bound: plan.bindings.map((b) => `${b.replica.metadata!.name} -> ${b.node} [${b.gpuIndices.join(',')}]`),
    unbound: plan.unbound.map((u) => `${u.replica.metadata!.name}: ${u.reason}`),
  };
}

const east = (name: string, o: Parameters<typeof replica>[2] = {}) => replica('d', name, { cell: 'east', ...o });

describe('bindReplicas', () => {
  it.each<{ name: string; input: BindingInput; bound: string[]; unbound?: string[] }>([
    {
      name: 'worked example: larger first, best fit keeps b whole',
      input: {
        cell: 'east',
        nodes: [node('east', 'a'), node('east', 'b'), node('east', 'c')],
        replicas: [
          east('busy', { gpus: 5, node: 'c', indices: [0, 1, 2, 3, 4], phase: ReplicaPhase.REPLICA_PHASE_READY }),
          east('r2', { gpus: 2 }),
          east('r8', { gpus: 8 }),
          east('r1', { gpus: 1 }),
        ],
      },
      bound: ['r8 -> a [0,1,2,3,4,5,6,7]', 'r2 -> c [5,6]', 'r1 -> c [7]'],
    },
    {
      name: 'decreasing order fits what smallest-first best fit cannot (a 3 free, b 5 free; 2, 3, 3)',
      input: {
        cell: 'east',
        nodes: [node('east', 'a', { gpus: 3 }), node('east', 'b', { gpus: 5 })],
        replicas: [east('x2', { gpus: 2 }), east('y3', { gpus: 3 }), east('z3', { gpus: 3 })],
      },
      bound: ['y3 -> a [0,1,2]', 'z3 -> b [0,1,2]', 'x2 -> b [3,4]'],
    },
    {
      name: 'never NotReady, Draining, Provisioning, Terminated or cordoned nodes',
      input: {
        cell: 'east',
        nodes: [
          node('east', 'a', { phase: NodePhase.NODE_PHASE_NOT_READY }),
          node('east', 'b', { phase: NodePhase.NODE_PHASE_DRAINING }),
          node('east', 'c', { phase: NodePhase.NODE_PHASE_PROVISIONING }),
          node('east', 'd', { phase: NodePhase.NODE_PHASE_TERMINATED }),
          node('east', 'e', { unschedulable: true }),
        ],
        replicas: [east('r', { gpus: 1 })],
      },
      bound: [],
      unbound: ['r: NoSchedulableNode'],
    },
    {
      name: 'a tiered replica binds only to its tier',
      input: {
        cell: 'east',
        nodes: [node('east', 'a', { tier: OD }), node('east', 'b', { tier: R, gpus: 4 })],
        replicas: [east('res', { gpus: 2, tier: R }), east('od', { gpus: 4, tier: OD }), east('pre', { gpus: 1, tier: P })],
      },
      bound: ['od -> a [0,1,2,3]', 'res -> b [0,1]'],
      unbound: ['pre: NoSchedulableNode'],
    },
    {
      name: 'an untiered replica takes the cheaper tier when the fit is equal',
      input: {
        cell: 'east',
        nodes: [node('east', 'a', { tier: OD }), node('east', 'b', { tier: P }), node('east', 'c', { tier: R })],
        replicas: [east('r', { gpus: 8 })],
      },
      bound: ['r -> c [0,1,2,3,4,5,6,7]'],
    },
    {
      name: 'GPU type must match; an empty type takes any',
      input: {
        cell: 'east',
        nodes: [node('east', 'a', { gpuType: 'a100', gpus: 4 }), node('east', 'b', { gpuType: 'h100', gpus: 2 })],
        replicas: [east('h', { gpus: 4, gpuType: 'h100' }), east('any', { gpus: 4, gpuType: '' })],
      },
      bound: ['any -> a [0,1,2,3]'],
      unbound: ['h: InsufficientGpus'],
    },
    {
      name: 'unhealthy GPUs are skipped',
      input: { cell: 'east', nodes: [node('east', 'a', { unhealthy: [1, 2] })], replicas: [east('r', { gpus: 4 }), east('s', { gpus: 3 })] },
      bound: ['r -> a [0,3,4,5]'],
      unbound: ['s: InsufficientGpus'],
    },
    {
      name: 'GPUs held by Failed and Terminating replicas stay held until their records go',
      input: {
        cell: 'east',
        nodes: [node('east', 'a', { gpus: 4 })],
        replicas: [
          east('failed', { gpus: 1, node: 'a', indices: [0], phase: ReplicaPhase.REPLICA_PHASE_FAILED }),
          east('leaving', { gpus: 2, node: 'a', indices: [2, 3], phase: ReplicaPhase.REPLICA_PHASE_TERMINATING }),
          east('r', { gpus: 1 }),
          east('s', { gpus: 2 }),
        ],
      },
      bound: ['r -> a [1]'],
      unbound: ['s: InsufficientGpus'],
    },
    {
      name: 'a replica bound without indices still takes its count (off the top)',
      input: {
        cell: 'east',
        nodes: [node('east', 'a', { gpus: 4 })],
        replicas: [east('legacy', { gpus: 2, node: 'a', phase: ReplicaPhase.REPLICA_PHASE_READY }), east('r', { gpus: 2 }), east('s', { gpus: 1 })],
      },
      bound: ['r -> a [0,1]'],
      unbound: ['s: InsufficientGpus'],
    },
    {
      name: 'a node that reports only counts offers indices 0..allocatable-1',
      input: { cell: 'east', nodes: [node('east', 'a', { gpus: 4, reported: false })], replicas: [east('r', { gpus: 3 })] },
      bound: ['r -> a [0,1,2]'],
    },
    {
      name: 'other cells, replicas already bound, and replicas not Pending are left alone',
      input: {
        cell: 'east',
        nodes: [node('west', 'w'), node('east', 'a', { gpus: 2 })],
        replicas: [
          replica('d', 'elsewhere', { cell: 'west', gpus: 1 }),
          replica('d', 'unplaced', { gpus: 1 }),
          east('bound', { gpus: 1, node: 'a', indices: [0], phase: ReplicaPhase.REPLICA_PHASE_BOUND }),
          east('dying', { gpus: 1, phase: ReplicaPhase.REPLICA_PHASE_TERMINATING }),
          east('failed', { gpus: 1, phase: ReplicaPhase.REPLICA_PHASE_FAILED }),
          east('r', { gpus: 1, phase: ReplicaPhase.REPLICA_PHASE_UNSPECIFIED }),
        ],
      },
      bound: ['r -> a [1]'],
    },
    {
      name: 'a 0-GPU replica goes to the fullest node and gets no GPU',
      input: {
        cell: 'east',
        nodes: [node('east', 'a'), node('east', 'b', { gpus: 1 })],
        replicas: [east('full', { gpus: 1, node: 'b', indices: [0], phase: ReplicaPhase.REPLICA_PHASE_READY }), east('cpu', { gpus: 0 })],
      },
      bound: ['cpu -> b []'],
    },
    {
      name: 'ties go to the node name; replicas of equal size go in name order',
      input: { cell: 'east', nodes: [node('east', 'n2', { gpus: 2 }), node('east', 'n1', { gpus: 2 })], replicas: [east('b', { gpus: 2 }), east('a', { gpus: 2 })] },
      bound: ['a -> n1 [0,1]', 'b -> n2 [0,1]'],
    },
    {
      name: 'small replicas share a node without sharing an index',
      input: { cell: 'east', nodes: [node('east', 'a', { gpus: 4 })], replicas: ['p', 'q', 'r', 's'].map((n) => east(n, { gpus: 1 })) },
      bound: ['p -> a [0]', 'q -> a [1]', 'r -> a [2]', 's -> a [3]'],
    },
  ])('$name', ({ input, bound, unbound = [] }) => {
    expect(summary(bindReplicas(input))).toEqual({ bound, unbound });
  });

  it('explains an unbound replica with numbers', () => {
    const plan = bindReplicas({ cell: 'east', nodes: [node('east', 'a', { gpus: 3 })], replicas: [east('r', { gpus: 4, tier: OD })] });
    expect(plan.unbound[0]!.message).toBe('needs 4 free GPUs on one h100 node of tier on-demand in cell east; the most free on one is 3');
    const none = bindReplicas({ cell: 'east', nodes: [], replicas: [east('r', { gpus: 4, gpuType: 'b200' })] });
    expect(none.unbound[0]!.message).toBe('no Ready, uncordoned b200 node in cell east');
  });

  it('returns the replica objects it was given, so the caller can write them back', () => {
    const r = east('r', { gpus: 1 });
    expect(bindReplicas({ cell: 'east', nodes: [node('east', 'a')], replicas: [r] }).bindings[0]!.replica).toBe(r);
  });
});
