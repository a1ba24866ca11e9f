import { ReplicaPhase, type Replica } from '@helios/api';
import { templateHash } from './template-hash';

/** Label every replica of a deployment carries: `helios get replicas -l deployment=NAME`. */
export const DEPLOYMENT_LABEL = 'deployment';
/** Label with the hash of the template a replica runs: which revision it belongs to. */
export const TEMPLATE_HASH_LABEL = 'helios.dev/template-hash';
/** Annotation with the uid of the deployment that created the replica (garbage collection). */
export const DEPLOYMENT_UID_ANNOTATION = 'helios.dev/deployment-uid';
/** Replica status.reason the node lifecycle controller sets when the replica's node died. */
export const NODE_LOST_REASON = 'NodeLost';

/**
 * True when the replica is on its way out: deletion requested (metadata.deletionTime) or
 * Terminating. It is out of the endpoint set and no longer counts toward its deployment.
 */
export function isRetiring(replica: Replica): boolean {
  return !!replica.metadata?.deletionTime || replica.status?.phase === ReplicaPhase.REPLICA_PHASE_TERMINATING;
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
  return !replica.spec?.node && isRetiring(replica);
}

/** True when the replica still counts toward its deployment: neither retiring nor lost. */
export function isLive(replica: Replica): boolean {
  return !isRetiring(replica) && !isLost(replica);
}

/** True when the replica passes its readiness probe (and so serves, unless retiring). */
export function isReady(replica: Replica): boolean {
  return replica.status?.phase === ReplicaPhase.REPLICA_PHASE_READY;
}

/**
 * When the replica counts as available: minReadySeconds after it became Ready. Undefined while
 * it is not Ready. A Ready replica without a readyTime is available at once when minReadySeconds
 * is 0, and never otherwise (there is nothing to count from; its agent always sets one).
 */
export function availableAt(replica: Replica, minReadySeconds: number): number | undefined {
  if (!isReady(replica)) return undefined;
  const readyTime = replica.status?.readyTime ? Date.parse(replica.status.readyTime) : NaN;
  if (Number.isNaN(readyTime)) return minReadySeconds > 0 ? undefined : -Infinity;
  return readyTime + 1000 * minReadySeconds;
}

/** True when the replica has been Ready for minReadySeconds at `now` (ms). */
export function isAvailable(replica: Replica, minReadySeconds: number, now: number): boolean {
  const at = availableAt(replica, minReadySeconds);
  return at !== undefined && at <= now;
}

/**
 * The template hash a replica runs: its label when the deployment controller set one, else the
 * hash of the template copied into its spec, else '' (a replica made by hand with neither).
 */
export function replicaTemplateHash(replica: Replica): string {
  const label = replica.metadata?.labels?.[TEMPLATE_HASH_LABEL];
  if (label) return label;
  return replica.spec?.template ? templateHash(replica.spec.template) : '';
}

/**
 * Failures a replica has shown: its restarts (each a crash its agent recovered from), plus one
 * if it Failed for any reason but a lost node (a dead node says nothing about the revision).
 */
export function failuresOf(replica: Replica): number {
  const failedNow = replica.status?.phase === ReplicaPhase.REPLICA_PHASE_FAILED && replica.status.reason !== NODE_LOST_REASON ? 1 : 0;
  return Math.max(0, replica.status?.restarts ?? 0) + failedNow;
}
