import { Replica, ReplicaPhase } from '@helios/api';

/**
 * The next state of a replica being retired: metadata.deletionTime `now` (ISO 8601) and phase
 * Terminating, with `reason` and `message` in its status saying who retired it and why; every
 * other field is kept. Every retirer (the deployment controller, the operator API's Delete, the
 * cell agent) writes this in one compare-and-swap, each with its own fence and read-your-writes:
 * that single write takes the replica out of the endpoint set at once, and its node agent then
 * drains it, stops it and deletes the object. Meant for a replica not retired yet (isRetired
 * false); a retirement already written stands.
 *
 * Example: {phase Ready, endpoint 10.0.0.5:8000, restarts 1} at 10:00 with ScaledDown,
 * "deployment web scaled down" -> {deletionTime 10:00, phase Terminating, reason ScaledDown,
 * message "deployment web scaled down", endpoint 10.0.0.5:8000, restarts 1}.
 */
export function retired(replica: Replica, now: string, reason: string, message: string): Replica {
  return Replica.fromPartial({
    ...replica,
    metadata: { ...replica.metadata, deletionTime: now },
    status: { ...replica.status, phase: ReplicaPhase.REPLICA_PHASE_TERMINATING, reason, message },
  });
}
