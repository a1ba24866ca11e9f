import type { Deployment, Replica } from '@helios/api';
import { DEPLOYMENT_UID_ANNOTATION } from './replica-facts';

/**
 * Splits a deployment's replicas into those it owns and its orphans. A replica records the uid
 * of the deployment that created it; when that deployment is gone, or was deleted and created
 * again under the same name (another uid), the replica is an orphan and must be retired. A
 * replica without the annotation (made by hand) is adopted, never collected.
 *
 * Example: deployment "web" uid u2, replicas a (uid u1), b (uid u2), c (none) -> owned [b, c],
 * orphans [a]; with "web" deleted -> owned [c], orphans [a, b].
 */
export function splitOrphans(deployment: Deployment | undefined, replicas: readonly Replica[]): { owned: Replica[]; orphans: Replica[] } {
  const uid = deployment?.metadata?.uid;
  const owned: Replica[] = [];
  const orphans: Replica[] = [];
  for (const replica of replicas) {
    const owner = replica.metadata?.annotations?.[DEPLOYMENT_UID_ANNOTATION];
    if (owner && (!deployment || owner !== uid)) orphans.push(replica);
    else owned.push(replica);
  }
  return { owned, orphans };
}
