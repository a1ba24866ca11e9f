import type { Replica } from '@helios/api';
import { awaitsNode, isDemanding } from '@helios/replica-lifecycle';
import { gpuRequest } from './replica-state';

/**
 * Tells whether two states of a replica (before and after an event; undefined when absent) take
 * the same capacity: the same cell, node, GPU indices, size, GPU type and tier, and the same
 * answers to "counts at all" (isDemanding) and "waits for a node" (awaitsNode). Cell placement,
 * the capacity planner and the node binder read nothing else of a replica in a cell, so an event
 * between two such states (a phase report Bound -> Starting -> Ready, an endpoint, a restart
 * count, a wait reason) cannot change what they decide, and need not wake them.
 *
 *   Bound on c1/n1 [3] -> Ready on c1/n1 [3]          same
 *   Pending in c1      -> Bound on c1/n1 [0]          not the same (a node now holds a GPU)
 *   Ready on c1/n1     -> retired, still on c1/n1     same (it holds its GPU until it is gone)
 *   Pending in c1      -> retired, Pending in c1      not the same (it wants nothing now)
 *   absent             -> Pending, no cell            not the same
 */
export function sameFootprint(a: Replica | undefined, b: Replica | undefined): boolean {
  if (!a || !b) return a === b;
  const sa = a.spec;
  const sb = b.spec;
  if ((sa?.cell ?? '') !== (sb?.cell ?? '') || (sa?.node ?? '') !== (sb?.node ?? '') || (sa?.tier ?? 0) !== (sb?.tier ?? 0)) return false;
  const ia = sa?.gpuIndices ?? [];
  const ib = sb?.gpuIndices ?? [];
  if (ia.length !== ib.length || ia.some((index, i) => index !== ib[i])) return false;
  const ra = gpuRequest(a);
  const rb = gpuRequest(b);
  return ra.gpus === rb.gpus && ra.gpuType === rb.gpuType && isDemanding(a) === isDemanding(b) && awaitsNode(a) === awaitsNode(b);
}

/** A change of a replica as a cache reports it (the store's informer events have this shape). */
export interface ReplicaChange {
  type: 'added' | 'modified' | 'deleted';
  /** The new state; for a deletion, the last one. */
  object: Replica;
  /** The state before a modification. */
  previous?: Replica;
}

/**
 * Tells whether a change alters what the replica takes of its cell (see sameFootprint): an
 * addition or deletion always does, a phase report of a bound replica never does. Placement, the
 * capacity planner, the node binder and the cell's GPU reports wake only for these.
 */
export function changesFootprint(change: ReplicaChange): boolean {
  return change.type !== 'modified' || !sameFootprint(change.previous, change.object);
}
