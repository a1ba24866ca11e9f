import { Replica, ReplicaPhase } from '@helios/api';
import { replicaId } from '@helios/scheduling';
import { isConflict, isNotFound, type ResourceStore, type WriteOptions } from '@helios/store';

/** Where retirement writes go, and how (fenced, followed for read-your-writes). */
export interface RetirementDeps {
  store: ResourceStore;
  options: () => WriteOptions;
}

/**
 * Retires replicas the way every retirer does: `metadata.deletionTime` and phase Terminating in one
 * compare-and-swap write (which takes them out of the endpoint set at once), with `reason` and
 * `message` in their status. The deployment controller then makes their replacements, and their
 * node agent stops and deletes them.
 * Replicas already retired are left alone; one that changed meanwhile is skipped (the next
 * reconcile sees it again). Returns how many were retired.
 */
export async function retireReplicas(deps: RetirementDeps, replicas: readonly Replica[], reason: string, message: string, now: Date): Promise<number> {
  let retired = 0;
  for (const replica of replicas) {
    if (replica.metadata?.deletionTime) continue;
    const next = Replica.fromPartial({
      ...replica,
      metadata: { ...replica.metadata, deletionTime: now.toISOString() },
      status: { ...replica.status, phase: ReplicaPhase.REPLICA_PHASE_TERMINATING, reason, message },
    });
    try {
      await deps.store.update('replica', next, deps.options());
      retired += 1;
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) continue;
      throw new Error(`retiring replica ${replicaId(replica)}`, { cause: err });
    }
  }
  return retired;
}
