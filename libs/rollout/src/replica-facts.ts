import { ReplicaPhase, type Replica } from '@helios/api';
import { isReady, REPLICA_REASONS } from '@helios/replica-lifecycle';
import { templateHash } from './template-hash';

/** Label every replica of a deployment carries: `helios get replicas -l deployment=NAME`. */
export const DEPLOYMENT_LABEL = 'deployment';
/** Label with the hash of the template a replica runs: which revision it belongs to. */
export const TEMPLATE_HASH_LABEL = 'helios.dev/template-hash';
/** Annotation with the uid of the deployment that created the replica (garbage collection). */
export const DEPLOYMENT_UID_ANNOTATION = 'helios.dev/deployment-uid';

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
  const failedNow = replica.status?.phase === ReplicaPhase.REPLICA_PHASE_FAILED && replica.status.reason !== REPLICA_REASONS.nodeLost ? 1 : 0;
  return Math.max(0, replica.status?.restarts ?? 0) + failedNow;
}
