import type { Replica } from '@helios/api';
import { isBound, isRetired } from './replica-predicates';

/**
 * True when a replica counts for placement and capacity: it is not retired, or it is bound. A
 * retired replica is on its way out and wants no capacity; one that names a node still holds
 * its GPUs until its record is gone (its process may still run), so it counts.
 */
export function isDemanding(replica: Replica): boolean {
  return !isRetired(replica) || isBound(replica);
}

/**
 * The replicas that count for placement, capacity and binding (see isDemanding).
 *
 *   r1 Pending, no cell                 -> kept (to be placed)
 *   r2 retired, placed, no node         -> dropped (wants nothing, holds nothing)
 *   r3 retired, on node n1              -> kept (holds its GPUs on n1)
 */
export function demandingReplicas(replicas: readonly Replica[]): Replica[] {
  return replicas.filter(isDemanding);
}
