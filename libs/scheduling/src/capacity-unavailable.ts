import type { NodePool } from '@helios/api';
import { POOL_CONDITIONS } from '@helios/replica-lifecycle';

/** How long a CapacityUnavailable pool is skipped before the planner tries it again, by default. */
export const DEFAULT_CAPACITY_BACKOFF_SECONDS = 300;

/**
 * Tells whether a pool is marked CapacityUnavailable and still inside its backoff, so new capacity
 * must come from another pool, tier or cell.
 *
 * The backoff runs from the condition's lastTransitionTime. Without it the pool would be skipped
 * forever: nobody would ask it for nodes again, so nobody would learn the capacity came back. When
 * `now` is not given, or the condition has no parsable time, a True condition always counts; the
 * pool reconciler clears it (or refreshes its time after a failed retry).
 *
 *   condition True at 10:00, backoff 300 s, now 10:04 -> unavailable
 *   condition True at 10:00, backoff 300 s, now 10:05 -> available again (retry)
 *   condition False                                   -> available
 */
export function capacityUnavailable(pool: NodePool, now?: Date, backoffSeconds = DEFAULT_CAPACITY_BACKOFF_SECONDS): boolean {
  const condition = pool.status?.conditions.find((c) => c.type === POOL_CONDITIONS.capacityUnavailable);
  if (condition?.status !== 'True') return false;
  if (now === undefined) return true;
  const since = Date.parse(condition.lastTransitionTime ?? '');
  if (Number.isNaN(since)) return true;
  return now.getTime() < since + backoffSeconds * 1000;
}

/**
 * When a pool's CapacityUnavailable backoff ends, if it is inside one at `now`; undefined when it
 * is available, or when the end is unknown (no `now`, no parsable time: it stays skipped until
 * its condition changes).
 *
 *   condition True at 10:00, backoff 300 s, now 10:04 -> 10:05
 *   condition True at 10:00, backoff 300 s, now 10:05 -> undefined (available)
 */
export function capacityUnavailableUntil(pool: NodePool, now?: Date, backoffSeconds = DEFAULT_CAPACITY_BACKOFF_SECONDS): Date | undefined {
  if (now === undefined || !capacityUnavailable(pool, now, backoffSeconds)) return undefined;
  const since = Date.parse(pool.status?.conditions.find((c) => c.type === POOL_CONDITIONS.capacityUnavailable)?.lastTransitionTime ?? '');
  return Number.isNaN(since) ? undefined : new Date(since + backoffSeconds * 1000);
}
