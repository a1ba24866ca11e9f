import type { Node, Replica } from '@helios/api';
import { isBound } from '@helios/replica-lifecycle';
import { healthyGpuIndices, nodeKey } from './node-eligibility';
import { gpuRequest } from './replica-state';

interface Held {
  indices: Set<number>;
  /** GPUs held by replicas bound without indices: counted, but which ones is unknown. */
  unindexed: number;
  gpus: number;
}

/**
 * Which GPUs of which node the replicas of a snapshot hold.
 *
 * Every bound replica (isBound: naming a node) holds its GPU indices whatever its phase: a Failed
 * or Terminating replica's process may still be running until its record is deleted, and freeing
 * its GPUs early could put two processes on one GPU, which is worse than a GPU idling a little
 * longer.
 */
export class GpuHoldings {
  private constructor(private readonly byNode: ReadonlyMap<string, Held>) {}

  /** Collects the holdings of every replica bound to a node (replicas of any cell). */
  static of(replicas: readonly Replica[]): GpuHoldings {
    const byNode = new Map<string, Held>();
    for (const replica of replicas) {
      const spec = replica.spec;
      if (!spec || !isBound(replica)) continue;
      const key = nodeKey(spec.cell, spec.node);
      const held = byNode.get(key) ?? { indices: new Set<number>(), unindexed: 0, gpus: 0 };
      const { gpus } = gpuRequest(replica);
      for (const index of spec.gpuIndices) held.indices.add(index);
      held.unindexed += Math.max(0, gpus - spec.gpuIndices.length);
      held.gpus += Math.max(gpus, spec.gpuIndices.length);
      byNode.set(key, held);
    }
    return new GpuHoldings(byNode);
  }

  /** Tells whether any replica is bound to the node. */
  isBusy(cell: string, node: string): boolean {
    return this.byNode.has(nodeKey(cell, node));
  }

  /** Counts the GPUs held on a node, for nodes that have not reported GPU indices yet. */
  heldGpus(cell: string, node: string): number {
    return this.byNode.get(nodeKey(cell, node))?.gpus ?? 0;
  }

  /**
   * Lists a node's healthy GPU indices that no replica holds, ascending. GPUs held by a replica bound
   * without indices are taken off the top, so the count is right even if the indices cannot be.
   *
   *   healthy [0..7], held {0, 1} and one unindexed GPU -> [2, 3, 4, 5, 6]
   */
  freeIndices(node: Node): number[] {
    const held = this.byNode.get(nodeKey(node.spec?.cell ?? '', node.metadata?.name ?? ''));
    const free = healthyGpuIndices(node).filter((index) => !held?.indices.has(index));
    return held ? free.slice(0, Math.max(0, free.length - held.unindexed)) : free;
  }
}
