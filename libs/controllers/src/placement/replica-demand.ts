import type { Replica } from '@helios/api';

/** Tells whether a replica has been retired: its deletion was asked for (metadata.deletionTime). */
export function isRetired(replica: Replica): boolean {
  return !!replica.metadata?.deletionTime;
}

/**
 * The replicas that count for placement and capacity: all of them, except retired ones that hold
 * no node. A retired replica is on its way out and wants no capacity; one that names a node still
 * holds its GPUs until its record is gone (its process may still run), so it stays.
 *
 *   r1 Pending, no cell                 -> kept (to be placed)
 *   r2 retired, placed, no node         -> dropped (wants nothing, holds nothing)
 *   r3 retired, on node n1              -> kept (holds its GPUs on n1)
 */
export function demandingReplicas(replicas: readonly Replica[]): Replica[] {
  return replicas.filter((replica) => !isRetired(replica) || !!replica.spec?.node);
}
