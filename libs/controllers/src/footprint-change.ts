import type { Replica } from '@helios/api';
import { sameFootprint } from '@helios/scheduling';
import type { InformerEvent } from '@helios/store';

/**
 * Tells whether a replica event changes what the replica takes of its cell (see sameFootprint):
 * an addition or deletion always does, a phase report of a bound replica never does. Placement
 * and the capacity planner wake only for these.
 */
export function changesFootprint(event: InformerEvent<Replica>): boolean {
  if (event.type === 'modified') return !sameFootprint(event.previous, event.object);
  return true;
}
