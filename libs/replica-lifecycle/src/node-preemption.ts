import { NodePhase, NodeStatus } from '@helios/api';
import { NODE_REASONS } from './node-conditions';

/**
 * The status of a Node its cloud will reclaim at `deadline`: phase Draining, reason Preempted,
 * preemptionTime the deadline. The cell agent then retires the replicas on it (so they are
 * replaced elsewhere before the instance dies) and launches the replacement capacity at once.
 * Undefined when the node is marked already (idempotent: a repeated notice changes nothing).
 */
export function preemptedNodeStatus(current: NodeStatus | undefined, deadline: string, now: string): NodeStatus | undefined {
  const status = current ?? NodeStatus.fromPartial({});
  if (status.phase === NodePhase.NODE_PHASE_DRAINING && status.preemptionTime) return undefined;
  return NodeStatus.fromPartial({
    ...status,
    phase: NodePhase.NODE_PHASE_DRAINING,
    reason: NODE_REASONS.preempted,
    preemptionTime: deadline,
    lastTransitionTime: status.phase === NodePhase.NODE_PHASE_DRAINING ? status.lastTransitionTime : now,
  });
}
