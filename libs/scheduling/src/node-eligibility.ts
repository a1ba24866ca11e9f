import { NodePhase, type Node } from '@helios/api';

/** Identifies a node across cells: `<cell>/<node>` (node names are unique per cell only). */
export function nodeKey(cell: string, node: string): string {
  return `${cell}/${node}`;
}

/**
 * Tells whether new replicas may be bound to a node now: it is Ready and not cordoned. NotReady,
 * Draining (a preemption notice or an operator drain), Provisioning and Terminated nodes are not.
 */
export function isSchedulable(node: Node): boolean {
  return node.status?.phase === NodePhase.NODE_PHASE_READY && !node.spec?.unschedulable;
}

/**
 * Tells whether a node is capacity the pool counts on: schedulable now, or Provisioning and about to
 * be. Draining, NotReady and cordoned nodes are not, so a pool holding one plans its replacement.
 */
export function isServing(node: Node): boolean {
  if (node.spec?.unschedulable) return false;
  const phase = node.status?.phase;
  return phase === NodePhase.NODE_PHASE_READY || phase === NodePhase.NODE_PHASE_PROVISIONING;
}

/**
 * Lists the indices of a node's healthy GPUs, ascending. The GPU list the node agent reports is the
 * truth; a node that reported only counts (or nothing yet) offers indices 0..n-1 where n is
 * allocatable_gpus, else spec.gpus.
 */
export function healthyGpuIndices(node: Node): number[] {
  const reported = node.status?.gpus ?? [];
  if (reported.length > 0) {
    return [...new Set(reported.filter((gpu) => gpu.healthy).map((gpu) => gpu.index))].sort((a, b) => a - b);
  }
  const count = Math.max(0, node.status?.allocatableGpus || node.spec?.gpus || 0);
  return Array.from({ length: count }, (_, index) => index);
}
