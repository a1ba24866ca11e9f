import { ReplicaPhase, type Replica, type ReplicaStatus } from '@helios/api';
import { REPLICA_REASONS } from './replica-reasons';

/** True when the replica is bound to that node and not Failed yet: it waits to be evicted. */
export function awaitsEviction(replica: Replica, cell: string, node: string): boolean {
  return replica.spec?.cell === cell && replica.spec.node === node && replica.status?.phase !== ReplicaPhase.REPLICA_PHASE_FAILED;
}

/**
 * The status of a replica whose node (`cell`/`node`) is lost, or undefined when it is not bound
 * there any more or is already Failed. The replica turns Failed with reason NodeLost, so the
 * deployment controller replaces it; a Terminating one too, since no agent is left to finish it.
 *
 * Example: {phase Ready, endpoint 10.0.0.5:8000} on c1/n7 -> {phase Failed, reason NodeLost,
 * message "node c1/n7 lost its heartbeat", endpoint kept for the record}.
 */
export function nodeLostReplicaStatus(replica: Replica, cell: string, node: string): ReplicaStatus | undefined {
  if (!awaitsEviction(replica, cell, node)) return undefined;
  const status = replica.status;
  return {
    phase: ReplicaPhase.REPLICA_PHASE_FAILED,
    endpoint: status?.endpoint ?? '',
    restarts: status?.restarts ?? 0,
    reason: REPLICA_REASONS.nodeLost,
    message: `node ${cell}/${node} lost its heartbeat`,
    readyTime: status?.readyTime,
    conditions: status?.conditions ?? [],
  };
}
