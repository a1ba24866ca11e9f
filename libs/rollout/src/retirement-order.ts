import type { Replica } from '@helios/api';
import { isReady } from '@helios/replica-lifecycle';
import { removalOrder } from '@helios/scheduling';
import { isAvailable } from './replica-facts';

/**
 * Orders replicas for retirement, best to retire first: those that serve nothing before those
 * that serve, so capacity is given up where it costs least.
 * 1. not Ready (Pending, Starting, crashed): nothing is lost by retiring them;
 * 2. Ready but not yet available (within minReadySeconds): they serve, but were not counted on;
 * 3. available.
 * Within each group, scheduling's removalOrder: unplaced and unbound first, then so that
 * retirements empty whole nodes (which the capacity planner can then give back).
 *
 * Example: r1 Ready on a full node, r2 Starting, r3 Ready on a nearly empty node -> r2, r3, r1.
 *
 * `fleet` is every replica (to see how full each node is); it defaults to the candidates.
 */
export function retirementOrder(candidates: readonly Replica[], minReadySeconds: number, now: number, fleet: readonly Replica[] = candidates): Replica[] {
  const notReady = candidates.filter((r) => !isReady(r));
  const warming = candidates.filter((r) => isReady(r) && !isAvailable(r, minReadySeconds, now));
  const available = candidates.filter((r) => isAvailable(r, minReadySeconds, now));
  return [...removalOrder(notReady, fleet), ...removalOrder(warming, fleet), ...removalOrder(available, fleet)];
}
