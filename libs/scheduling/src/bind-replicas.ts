import { Tier, tierWord, type Node, type Replica } from '@helios/api';
import { awaitsNode, REPLICA_REASONS } from '@helios/replica-lifecycle';
import { BinSet, type Bin } from './bin-set';
import { GpuHoldings } from './gpu-holdings';
import { isSchedulable } from './node-eligibility';
import { bindingOrder, gpuRequest } from './replica-state';
import { ANY_TIER } from './tiers';

/** A snapshot of one cell, as its agent sees it. */
export interface BindingInput {
  /** The agent's cell; nodes and replicas of other cells are ignored. */
  cell: string;
  nodes: readonly Node[];
  /**
   * Replicas placed in the cell. Those naming a node hold their GPU indices (whatever their phase);
   * the Pending ones without a node are bound.
   */
  replicas: readonly Replica[];
}

/** One replica bound to one node and the GPU indices it gets there. */
export interface Binding {
  replica: Replica;
  node: string;
  gpuIndices: number[];
}

/**
 * Why a replica stays unbound: no Ready, uncordoned node of its GPU type and tier exists at all, or
 * such nodes exist but none has enough free healthy GPUs (the planner adds capacity for it).
 */
export type UnboundReason = typeof REPLICA_REASONS.noSchedulableNode | typeof REPLICA_REASONS.insufficientGpus;

/** A replica left unbound, with the reason and a sentence for people. */
export interface Unbound {
  replica: Replica;
  reason: UnboundReason;
  message: string;
}

/** The cell agent's binding plan. */
export interface BindingPlan {
  bindings: Binding[];
  unbound: Unbound[];
}

interface NodeBin extends Bin {
  /** Healthy GPU indices nobody holds, ascending. */
  readonly indices: number[];
}

/**
 * Binds the Pending replicas of a cell to nodes by best-fit decreasing bin-packing.
 *
 * Larger replicas go first (those with a tier before those without), and each goes to the node whose free GPUs of the right type would be
 * fewest after binding it, so small replicas fill the gaps of busy nodes and whole nodes stay free
 * for 8-GPU replicas. Only Ready, uncordoned nodes qualify (never NotReady, Draining or
 * Provisioning), of the replica's GPU type and, when it has one, its tier. A replica gets the lowest
 * healthy GPU indices that no other replica holds. Ties go to the cheaper tier, then the node name.
 *
 * Worked example, h100 on-demand nodes a (8 free), b (8 free), c (3 free), replicas r2 (2 GPUs),
 * r8 (8 GPUs), r1 (1 GPU):
 *
 *   r8 -> a (leaves 0; a and b tie, a is first by name)
 *   r2 -> c (leaves 1) rather than b (would leave 6)
 *   r1 -> c (leaves 0)
 *   b stays whole. Spreading (most free first) would have put r2 and r1 on b and left no node
 *   whole for the next 8-GPU replica.
 *
 * With sizes that divide the node (1, 2, 4 and 8 GPUs on 8-GPU nodes) this fills every node it
 * opens, which is what the >= 97 % allocation target leans on.
 */
export function bindReplicas(input: BindingInput): BindingPlan {
  const { cell } = input;
  const replicas = input.replicas.filter((replica) => replica.spec?.cell === cell);
  const holdings = GpuHoldings.of(replicas);
  const bins = new BinSet<NodeBin>();
  for (const node of input.nodes) {
    if (node.spec?.cell !== cell || !isSchedulable(node)) continue;
    const indices = holdings.freeIndices(node);
    bins.add({ id: node.metadata?.name ?? '', gpuType: node.spec.gpuType, tier: node.spec.tier, free: indices.length, indices });
  }

  const plan: BindingPlan = { bindings: [], unbound: [] };
  const waiting = replicas
    .filter(awaitsNode)
    .map((replica) => ({ replica, request: gpuRequest(replica) }))
    .sort(bindingOrder);
  for (const { replica, request } of waiting) {
    const tier = replica.spec?.tier ?? Tier.TIER_UNSPECIFIED;
    const tiers = tier === Tier.TIER_UNSPECIFIED ? ANY_TIER : [tier];
    const bin = bins.bestFit(request.gpus, request.gpuType, tiers);
    if (bin) {
      const gpuIndices = bin.indices.slice(0, request.gpus);
      bin.indices.splice(0, request.gpus);
      bins.take(bin, request.gpus);
      plan.bindings.push({ replica, node: bin.id, gpuIndices });
      continue;
    }
    const what = `${request.gpuType || 'any-type'} node${tier === Tier.TIER_UNSPECIFIED ? '' : ` of tier ${tierWord(tier)}`}`;
    plan.unbound.push(
      bins.has(request.gpuType, tiers)
        ? {
            replica,
            reason: REPLICA_REASONS.insufficientGpus,
            message: `needs ${request.gpus} free GPUs on one ${what} in cell ${cell}; the most free on one is ${bins.largestFree(request.gpuType, tiers)}`,
          }
        : { replica, reason: REPLICA_REASONS.noSchedulableNode, message: `no Ready, uncordoned ${what} in cell ${cell}` },
    );
  }
  return plan;
}
