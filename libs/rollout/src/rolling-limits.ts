import { parseIntOrPercent } from '@helios/validation';

/** How far a rolling update may go past spec.replicas, and below it, in replicas. */
export interface RollingLimits {
  /** Live replicas may number at most replicas + maxSurge. */
  maxSurge: number;
  /** Available replicas may fall to replicas - maxUnavailable, no lower. */
  maxUnavailable: number;
}

/**
 * Resolves an int-or-percent ("2", "25%") against a total: percentages are taken of `total` and
 * rounded up or down as asked; an absolute value is taken as is. Unparseable text resolves to 0
 * (validation refuses it before it is stored).
 *
 * Worked examples: ("25%", 10, up) -> 3 (2.5 rounded up); ("25%", 10, down) -> 2;
 * ("2", 10, either) -> 2; ("100%", 7, either) -> 7; ("10%", 1, up) -> 1; ("10%", 1, down) -> 0.
 */
export function scaledValue(text: string, total: number, roundUp: boolean): number {
  const parsed = parseIntOrPercent(text);
  if (!parsed) return 0;
  if (!parsed.percent) return parsed.value;
  // Integer arithmetic first: 0.29 * 100 is 28.999999999999996 in floating point.
  const scaled = (parsed.value * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * Resolves maxSurge and maxUnavailable against spec.replicas, as Kubernetes does: surge rounds
 * up and unavailability rounds down (both err on the side of keeping capacity), and if both come
 * out 0 the rollout could never move, so maxUnavailable becomes 1.
 *
 * Worked examples:
 * - replicas 10, surge "25%", unavailable "0"  -> surge 3, unavailable 0: at most 13 live, at least 10 available;
 * - replicas 10, surge "25%", unavailable "25%" -> surge 3, unavailable 2;
 * - replicas 8, surge "25%", unavailable "0"   -> surge 2, unavailable 0;
 * - replicas 1, surge "0", unavailable "25%"   -> surge 0, unavailable 0 -> 1 (else stuck);
 * - replicas 3, surge "5", unavailable "1"     -> surge 5, unavailable 1 (absolute values as given).
 */
export function rollingLimits(maxSurge: string, maxUnavailable: string, replicas: number): RollingLimits {
  const surge = scaledValue(maxSurge, replicas, true);
  const unavailable = scaledValue(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) return { maxSurge: 0, maxUnavailable: 1 };
  return { maxSurge: surge, maxUnavailable: Math.min(unavailable, replicas) };
}
