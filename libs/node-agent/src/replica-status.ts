import { ReplicaPhase, type Replica, type ReplicaStatus } from '@helios/api';
import type { RunPhase, RunState } from '@helios/replica-runtime';

/** True when the replica is bound to this node of this cell. */
export function isBoundTo(replica: Replica | undefined, cell: string, node: string): replica is Replica {
  return replica !== undefined && replica.spec?.cell === cell && replica.spec?.node === node;
}

/**
 * How a run's phase shows in the Replica:
 * - starting -> STARTING (running, not passing readiness: starting, or no longer ready);
 * - ready -> READY (the only phase that puts it in the endpoint set);
 * - backoff -> STARTING with reason Crashed (the process exited; the node agent restarts it and
 *   counts it in restarts). Not FAILED: FAILED is terminal and makes the deployment controller
 *   replace the replica, which a crash on a healthy node does not call for (as a crash-looping
 *   Kubernetes pod stays Running). Repeated crashes of a new revision show as restarts and a
 *   rollout that stops progressing, which is what triggers an automatic rollback;
 * - stopping -> TERMINATING;
 * - stopped -> FAILED (a run that cannot start at all, e.g. a template without a command).
 */
const PHASE_OF_RUN: Record<RunPhase, ReplicaPhase> = {
  starting: ReplicaPhase.REPLICA_PHASE_STARTING,
  ready: ReplicaPhase.REPLICA_PHASE_READY,
  backoff: ReplicaPhase.REPLICA_PHASE_STARTING,
  stopping: ReplicaPhase.REPLICA_PHASE_TERMINATING,
  stopped: ReplicaPhase.REPLICA_PHASE_FAILED,
};

/** `host:port`, with brackets around an IPv6 host. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The status a node agent writes for a run: phase, endpoint `<node address>:<port>` once the
 * port is known, restarts, and why. readyTime is when the replica last became Ready: kept while
 * it stays Ready (minReadySeconds counts from it), cleared when it is not.
 *
 * Example: run {ready, port 20417, restarts 1} on a node at 10.0.0.5, previously STARTING ->
 * {READY, "10.0.0.5:20417", restarts 1, reason "", readyTime now}.
 */
export function replicaStatusFor(run: RunState, previous: ReplicaStatus | undefined, address: string, now: string): ReplicaStatus {
  const phase = PHASE_OF_RUN[run.phase];
  const ready = phase === ReplicaPhase.REPLICA_PHASE_READY;
  const wasReady = previous?.phase === ReplicaPhase.REPLICA_PHASE_READY;
  return {
    phase,
    endpoint: run.port > 0 ? joinHostPort(address, run.port) : '',
    restarts: run.restarts,
    reason: ready ? '' : run.reason,
    message: ready ? '' : run.message,
    readyTime: ready ? (wasReady && previous?.readyTime ? previous.readyTime : now) : undefined,
    conditions: previous?.conditions ?? [],
  };
}

/** True when writing `next` over `current` would change nothing (conditions are not ours). */
export function sameStatus(current: ReplicaStatus | undefined, next: ReplicaStatus): boolean {
  return (
    current !== undefined &&
    current.phase === next.phase &&
    current.endpoint === next.endpoint &&
    current.restarts === next.restarts &&
    current.reason === next.reason &&
    current.message === next.message &&
    current.readyTime === next.readyTime
  );
}
