import type { Replica } from '@helios/api';
import { isBound, isLost, isRetired } from './replica-predicates';
import { REPLICA_REASONS } from './replica-reasons';
import { retired } from './retirement';

/** How a Delete of a replica proceeds. */
export type ReplicaDeletion =
  /** Nothing runs it (unbound, or Failed: its node lost or its run unable to start): delete the object now. */
  | { action: 'delete' }
  /** Its node agent runs it: write this (deletionTime, Terminating); the agent drains and deletes it. */
  | { action: 'retire'; next: Replica }
  /** Already retiring: nothing to write. */
  | { action: 'retiring' };

/**
 * Decides a Delete of a replica. A replica a node agent runs is never deleted from under it:
 * deletion retires it (`retired`, reason Deleted), which takes it out of the endpoint set at
 * once, and its agent then drains it, stops it and deletes the object (the same retirement the
 * deployment controller uses, so `helios delete replica` drops no request). A replica that no
 * agent holds is deleted outright.
 *
 * Example: Ready on c1/n1 at `now` -> retire with deletionTime now and phase Terminating;
 * Pending without a node -> delete.
 */
export function replicaDeletion(replica: Replica, now: string): ReplicaDeletion {
  if (!isBound(replica) || isLost(replica)) return { action: 'delete' };
  if (isRetired(replica)) return { action: 'retiring' };
  return { action: 'retire', next: retired(replica, now, REPLICA_REASONS.deleted, 'deleted by an operator') };
}
