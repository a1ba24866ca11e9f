import { DEFAULT_CAPACITY_BACKOFF_SECONDS, TIERS_BY_COST } from '@helios/scheduling';
import type { Tier } from '@helios/api';

/** Knobs of the capacity planner; every one is optional (see resolveCapacityOptions for defaults). */
export interface CapacityOptions {
  /** Free GPUs to keep in every cell, per GPU type, on top of demand (absolute). Default 0. */
  headroomGpus?: number;
  /** Free GPUs to keep as a percent of each cell's demand for a GPU type, rounded up. Default 0. */
  headroomPercent?: number;
  /**
   * Tiers headroom may be kept on, cheapest first. Default: all tiers in cost order (reserved,
   * preemptible, on-demand). Leave preemptible out when most deployments forbid it.
   */
  headroomTiers?: readonly Tier[];
  /** Seconds after a pool's last scale-up before it may scale down. Default 300. */
  scaleDownCooldownSeconds?: number;
  /** Seconds a CapacityUnavailable pool is skipped, from the condition's transition. Default 300. */
  capacityUnavailableBackoffSeconds?: number;
}

/** CapacityOptions with every default applied. */
export type ResolvedCapacityOptions = Required<CapacityOptions>;

/** Applies the defaults to capacity options in one place; negative numbers read as 0. */
export function resolveCapacityOptions(options: CapacityOptions = {}): ResolvedCapacityOptions {
  return {
    headroomGpus: Math.max(0, options.headroomGpus ?? 0),
    headroomPercent: Math.max(0, options.headroomPercent ?? 0),
    headroomTiers: TIERS_BY_COST.filter((tier) => (options.headroomTiers ?? TIERS_BY_COST).includes(tier)),
    scaleDownCooldownSeconds: Math.max(0, options.scaleDownCooldownSeconds ?? 300),
    capacityUnavailableBackoffSeconds: Math.max(0, options.capacityUnavailableBackoffSeconds ?? DEFAULT_CAPACITY_BACKOFF_SECONDS),
  };
}
