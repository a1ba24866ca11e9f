import { NodePhase, NodeStatus } from '@helios/api';
import { NODE_REASONS } from '@helios/replica-lifecycle';
import { isNotFound, type ResourceStore } from '@helios/store';

/**
 * Marks a Node Draining because its cloud will reclaim it at `deadline`: phase Draining, reason
 * Preempted, preemptionTime the deadline. The cell agent then retires the replicas on it (so they
 * are replaced elsewhere before the instance dies) and launches the replacement capacity at once.
 * Idempotent: a node already marked is left as it is. Returns false when the Node does not exist.
 */
export async function markNodePreempted(store: ResourceStore, cell: string, node: string, deadline: Date, now = new Date()): Promise<boolean> {
  try {
    await store.mutate('node', node, cell, (current) => {
      const status = current.status ?? NodeStatus.fromPartial({});
      if (status.phase === NodePhase.NODE_PHASE_DRAINING && status.preemptionTime) return undefined;
      return {
        ...current,
        status: NodeStatus.fromPartial({
          ...status,
          phase: NodePhase.NODE_PHASE_DRAINING,
          reason: NODE_REASONS.preempted,
          preemptionTime: deadline.toISOString(),
          lastTransitionTime: status.phase === NodePhase.NODE_PHASE_DRAINING ? status.lastTransitionTime : now.toISOString(),
        }),
      };
    });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw new Error(`marking node ${cell}/${node} preempted (deadline ${deadline.toISOString()})`, { cause: err });
  }
}
