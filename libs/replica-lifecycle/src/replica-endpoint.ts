import type { Endpoint, Replica } from '@helios/api';
import { inEndpointSet } from './replica-predicates';

/**
 * The endpoint a replica serves, or undefined when it must not get traffic: only a replica in
 * the endpoint set (Ready, not retired: a retiring replica leaves it first, before its drain
 * period and SIGTERM) with an address.
 */
export function endpointOf(replica: Replica): Endpoint | undefined {
  const address = replica.status?.endpoint ?? '';
  if (!inEndpointSet(replica) || address === '') return undefined;
  return { replica: replica.metadata?.name ?? '', address, revision: replica.spec?.revision ?? 0, cell: replica.spec?.cell ?? '', node: replica.spec?.node ?? '' };
}

/** The endpoint change between two states of one replica: what to remove and what to add. */
export function endpointChange(before: Endpoint | undefined, after: Endpoint | undefined): { added: Endpoint[]; removed: Endpoint[] } {
  const same = before && after && before.address === after.address && before.revision === after.revision && before.cell === after.cell && before.node === after.node;
  if (same) return { added: [], removed: [] };
  return { added: after ? [after] : [], removed: before ? [before] : [] };
}
