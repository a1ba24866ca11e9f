import { Tier } from '@helios/api';

/**
 * The purchasable tiers from cheapest to dearest: reserved capacity is already paid for, preemptible
 * capacity is discounted but can be reclaimed, on-demand is list price.
 */
export const TIERS_BY_COST: readonly Tier[] = [Tier.TIER_RESERVED, Tier.TIER_PREEMPTIBLE, Tier.TIER_ON_DEMAND];

/** Tiers a replica without a tier may use, in order of preference: cost order, then untiered nodes. */
export const ANY_TIER: readonly Tier[] = [...TIERS_BY_COST, Tier.TIER_UNSPECIFIED];

/**
 * Ranks a tier by cost: 0 for reserved, 1 for preemptible, 2 for on-demand, 3 for anything else
 * (unspecified or unknown tiers sort last, so a malformed pool is never preferred).
 */
export function tierRank(tier: Tier): number {
  const rank = TIERS_BY_COST.indexOf(tier);
  return rank === -1 ? TIERS_BY_COST.length : rank;
}
