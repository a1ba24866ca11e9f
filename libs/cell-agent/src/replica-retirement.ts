import type { Replica } from '@helios/api';
import { isRetired, retired } from '@helios/replica-lifecycle';
import { replicaId } from '@helios/scheduling';
import { isConflict, isNotFound, type ResourceStore, type WriteOptions } from '@helios/store';

/** Where retirement writes go, and how (fenced, followed for read-your-writes). */
export interface RetirementDeps {
  store: ResourceStore;
  options: () => WriteOptions;
}

/**
 * Retires replicas the way every retirer does: `retired` (metadata.deletionTime and phase
 * Terminating, with `reason` and `message` in their status) in one compare-and-swap write each,
 * which takes them out of the endpoint set at once. The deployment controller then makes their
 * replacements, and their node agent stops and deletes them.
 * Replicas already retired are left alone; one that changed meanwhile is skipped (the next
 * reconcile sees it again). Returns how many were retired.
 */
export async function retireReplicas(deps: RetirementDeps, replicas: readonly Replica[], reason: string, message: string, now: Date): Promise<number> {
  let count = 0;
  for (const replica of replicas) {
    if (isRetired(replica)) continue;
    try {
      await deps.store.update('replica', retired(replica, now.toISOString(), reason, message), deps.options());
      count += 1;
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) continue;
      throw new Error(`retiring replica ${replicaId(replica)}`, { cause: err });
    }
  }
  return count;
}
