import { preemptedNodeStatus } from '@helios/replica-lifecycle';
import { isNotFound, type ResourceStore } from '@helios/store';

/**
 * Marks a simulated host's Node preempted (`preemptedNodeStatus`) from the cell's side, as the
 * node gateway does when a real host reports its cloud's notice. Returns false when the Node does
 * not exist.
 */
export async function markNodePreempted(store: ResourceStore, cell: string, node: string, deadline: Date, now = new Date()): Promise<boolean> {
  try {
    await store.mutate('node', node, cell, (current) => {
      const status = preemptedNodeStatus(current.status, deadline.toISOString(), now.toISOString());
      return status ? { ...current, status } : undefined;
    });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw new Error(`marking node ${cell}/${node} preempted (deadline ${deadline.toISOString()})`, { cause: err });
  }
}
