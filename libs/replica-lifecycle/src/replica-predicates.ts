import { ReplicaPhase, type Replica } from '@helios/api';

/**
 * The states of a Replica's life, one predicate each, read by every component that decides on
 * replicas (cell placement, the capacity planner, the node binder, the deployment controller,
 * the operator API, the node agent). Two fields carry a replica's life: `metadata.deletionTime`,
 * a retirer's decision that never goes back, and `status.phase`, the owner's observation.
 *
 * Worked example, one row a state (mirrored by the spec):
 *
 *   state                                   retired retiring lost live ready endpoint cell? node? bound
 *   Pending, no cell                        -       -        -    yes  -     -        yes   -     -
 *   Pending in c1, no node                  -       -        -    yes  -     -        -     yes   -
 *   Bound on c1/n1                          -       -        -    yes  -     -        -     -     yes
 *   Ready on c1/n1                          -       -        -    yes  yes   yes      -     -     yes
 *   Starting, Crashed (restarting)          -       -        -    yes  -     -        -     -     yes
 *   Failed, NoCommand                       -       -        yes  -    -     -        -     -     yes
 *   Failed, NodeLost                        -       -        yes  -    -     -        -     -     yes
 *   retired (deletionTime + Terminating)    yes     yes      -    -    -     -        -     -     yes
 *   retired, phase still Ready              yes     yes      -    -    yes   -        -     -     yes
 *   Terminating without deletionTime        -       yes      -    -    -     -        -     -     yes
 *   retired, Pending without a node         yes     yes      yes  -    -     -        -     -     -
 *   retired, then Failed NodeLost           yes     yes      yes  -    -     -        -     -     yes
 *
 * ("cell?" is awaitsCell, "node?" awaitsNode, "endpoint" inEndpointSet, "bound" isBound.)
 */

/**
 * True when a retirer asked for the replica's deletion (metadata.deletionTime is set): the
 * deployment controller, the operator API's Delete or the cell agent did (see `retired`). Its
 * node agent drains, stops and deletes it; it wants no capacity it does not already hold. A
 * retirement is never taken back.
 */
export function isRetired(replica: Replica): boolean {
  return !!replica.metadata?.deletionTime;
}

/**
 * True when the replica is on its way out: retired, or Terminating (its node agent reports it
 * stopping). It is out of the endpoint set and no longer counts toward its deployment.
 * Differs from isRetired only for a Terminating replica without a deletionTime: a node agent
 * stopping a run on its own. That replica is not to be retired again, but its agent, not a
 * retirer, decides what comes next.
 */
export function isRetiring(replica: Replica): boolean {
  return isRetired(replica) || replica.status?.phase === ReplicaPhase.REPLICA_PHASE_TERMINATING;
}

/**
 * True when nothing will ever run this replica again, so its object must be deleted and the
 * replica replaced. Failed is terminal: its node was lost (no agent is left to finish it) or its
 * run could not start at all, and in either case no process of it runs, so there is nothing to
 * drain. (A crash on a live node is not Failed: its agent restarts it, Starting with reason
 * Crashed, and counts it in restarts.) A replica never bound to a node yet retiring is lost too:
 * no agent has it to finish it.
 */
export function isLost(replica: Replica): boolean {
  if (replica.status?.phase === ReplicaPhase.REPLICA_PHASE_FAILED) return true;
  return !isBound(replica) && isRetiring(replica);
}

/**
 * True when the replica counts toward its deployment: neither retiring nor lost (so neither
 * retired, Terminating nor Failed). Pending, Bound, Starting and Ready replicas are live: they
 * are, or will be, the deployment's capacity. The deployment controller counts these against
 * spec.replicas, and cell placement counts them per cell to spread a deployment.
 */
export function isLive(replica: Replica): boolean {
  return !isRetiring(replica) && !isLost(replica);
}

/** True when the replica passes its readiness probe (phase Ready; it serves unless retired). */
export function isReady(replica: Replica): boolean {
  return replica.status?.phase === ReplicaPhase.REPLICA_PHASE_READY;
}

/**
 * True when the replica belongs in its deployment's endpoint set: Ready and not retired. A
 * retirement takes it out in the same write that asks for its deletion, before its drain period
 * and SIGTERM, and nothing ever writes Ready over a retirement.
 */
export function inEndpointSet(replica: Replica): boolean {
  return isReady(replica) && !isRetired(replica);
}

/**
 * True when the replica names a node (spec.node), whatever its phase, not only phase Bound: that
 * node's agent runs it, or will, so only that agent may finish it, and it holds its GPUs there
 * until its object is gone (a Failed or Terminating replica's process may still run).
 */
export function isBound(replica: Replica): boolean {
  return !!replica.spec?.node;
}

/** Tells whether a replica is Pending without a cell and not retired: cell placement's work. */
export function awaitsCell(replica: Replica): boolean {
  return !replica.spec?.cell && isWaiting(replica);
}

/** Tells whether a replica is Pending in a cell without a node and not retired: its cell agent's binding work. */
export function awaitsNode(replica: Replica): boolean {
  return !!replica.spec?.cell && !isBound(replica) && isWaiting(replica);
}

// Pending (or not reported yet) and wanted: a retired replica waits for nothing.
function isWaiting(replica: Replica): boolean {
  const phase = replica.status?.phase ?? ReplicaPhase.REPLICA_PHASE_UNSPECIFIED;
  return (phase === ReplicaPhase.REPLICA_PHASE_PENDING || phase === ReplicaPhase.REPLICA_PHASE_UNSPECIFIED) && !isRetired(replica);
}
