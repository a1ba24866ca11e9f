import { ReplicaPhase, ReplicaStatus, type Replica } from '@helios/api';
import { isLost } from '@helios/rollout';

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
 * deletion sets metadata.deletionTime and phase Terminating in one write, which takes it out of
 * the endpoint set at once, and its agent then drains it, stops it and deletes the object (the
 * same retirement the deployment controller uses, so `helios delete replica` drops no request).
 * A replica that no agent holds is deleted outright.
 *
 * Example: Ready on c1/n1 at `now` -> retire with deletionTime now and phase Terminating;
 * Pending without a node -> delete.
 */
export function replicaDeletion(replica: Replica, now: string): ReplicaDeletion {
  if (!replica.spec?.node || isLost(replica)) return { action: 'delete' };
  if (replica.metadata?.deletionTime) return { action: 'retiring' };
  const status = ReplicaStatus.fromPartial(replica.status ?? {});
  return {
    action: 'retire',
    next: { ...replica, metadata: { ...replica.metadata!, deletionTime: now }, status: { ...status, phase: ReplicaPhase.REPLICA_PHASE_TERMINATING } },
  };
}
