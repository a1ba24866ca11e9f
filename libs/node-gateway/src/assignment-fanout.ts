import type { AssignmentEventType, Replica } from '@helios/api';
import { assignmentChanges, type ReplicaChange } from './assignment-changes';

/** Told each change of the replicas bound to one node. */
export type AssignmentListener = (type: AssignmentEventType, replica: Replica) => void;

/**
 * Hands each change of the shared replica cache to the assignment streams of the nodes it
 * concerns, by node: one cache listener for every stream of the process, so a change costs a map
 * lookup, not one check per open stream (thousands per replica of the control plane).
 */
export class AssignmentFanout {
  private readonly byNode = new Map<string, Set<AssignmentListener>>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly informer: { on(listener: (change: ReplicaChange) => void): () => void }) {}

  /** Number of nodes with an open stream. */
  get nodes(): number {
    return this.byNode.size;
  }

  /** Follows the changes of the replicas bound to `node` (`<cell>/<node>`); returns the unsubscribe. */
  subscribe(node: string, listener: AssignmentListener): () => void {
    this.unsubscribe ??= this.informer.on((change) => this.dispatch(change));
    let listeners = this.byNode.get(node);
    if (!listeners) this.byNode.set(node, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.byNode.get(node) === listeners) this.byNode.delete(node);
    };
  }

  /** Stops listening to the cache. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.byNode.clear();
  }

  private dispatch(change: ReplicaChange): void {
    if (this.byNode.size === 0) return;
    for (const event of assignmentChanges(change)) {
      const listeners = this.byNode.get(event.node);
      if (listeners) for (const listener of [...listeners]) listener(event.type, event.replica);
    }
  }
}
