import type { Endpoint, WatchEndpointsResponse } from '@helios/api';

/** The set after one WatchEndpoints message, and what the message really changed. */
export interface EndpointDelta {
  /** The endpoints by replica name. */
  next: Map<string, Endpoint>;
  added: Endpoint[];
  removed: Endpoint[];
}

/**
 * Applies one WatchEndpoints message to a set of endpoints keyed by replica name.
 *
 * A reset replaces the whole set, and the delta reported is still the true difference: after a
 * reconnect, a snapshot equal to what the client had tells listeners nothing. In a change,
 * removals apply before additions, so a replica whose address changed (removed old, added new
 * in one message) ends with its new address; removing an unknown replica is a no-op.
 *
 * Example: set {a@1, b@2}; reset with {b@2, c@3} -> set {b@2, c@3}, added [c@3], removed [a@1].
 */
export function applyEndpointMessage(current: ReadonlyMap<string, Endpoint>, message: WatchEndpointsResponse): EndpointDelta {
  const next = new Map(message.reset ? [] : current);
  if (!message.reset) for (const gone of message.removed) next.delete(gone.replica);
  for (const endpoint of message.added) next.set(endpoint.replica, endpoint);
  const added = [...next.values()].filter((e) => !sameEndpoint(current.get(e.replica), e));
  const removed = [...current.values()].filter((e) => !sameEndpoint(next.get(e.replica), e));
  return { next, added, removed };
}

/** True when both are the same endpoint of the same replica. */
export function sameEndpoint(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
  if (!a || !b) return a === b;
  return a.replica === b.replica && a.address === b.address && a.revision === b.revision && a.cell === b.cell && a.node === b.node;
}
