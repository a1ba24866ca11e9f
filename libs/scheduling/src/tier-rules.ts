import { Tier, type TierPolicy } from '@helios/api';
import { TIERS_BY_COST } from './tiers';

/**
 * A deployment's tier policy with its defaults applied: which tiers its replicas may run on, in cost
 * order, and how many of them may sit on preemptible capacity.
 */
export class TierRules {
  private constructor(
    /** Allowed tiers, cheapest first; never empty. */
    readonly allowed: readonly Tier[],
    /** Share of replicas allowed on preemptible capacity, 1-100; 0 means no limit. */
    readonly maxPreemptiblePercent: number,
  ) {}

  /**
   * Reads a TierPolicy. An empty (or only-unspecified) `allowed` list means every tier; unknown
   * values are dropped; the percent is clamped to 0-100.
   */
  static of(policy: TierPolicy | undefined): TierRules {
    const listed = new Set(policy?.allowed ?? []);
    const allowed = TIERS_BY_COST.filter((tier) => listed.has(tier));
    const percent = Math.min(100, Math.max(0, Math.trunc(policy?.maxPreemptiblePercent ?? 0)));
    return new TierRules(allowed.length > 0 ? allowed : TIERS_BY_COST, percent);
  }

  /** Whether replicas may run on `tier`. */
  allows(tier: Tier): boolean {
    return this.allowed.includes(tier);
  }

  /**
   * The most replicas, out of `replicas`, that may run on preemptible capacity. Rounds down so the
   * share never exceeds the percent.
   *
   *   preemptible not allowed            -> 0
   *   allowed, percent 0 (no limit)      -> Infinity
   *   50 % of 8 replicas                 -> 4
   *   30 % of 5 replicas = 1.5           -> 1
   *   100 % of 3 replicas                -> 3
   *   50 % of 1 replica = 0.5            -> 0 (a single replica is never half preemptible)
   */
  preemptibleLimit(replicas: number): number {
    if (!this.allows(Tier.TIER_PREEMPTIBLE)) return 0;
    if (this.maxPreemptiblePercent === 0) return Number.POSITIVE_INFINITY;
    return Math.floor((this.maxPreemptiblePercent * Math.max(0, replicas)) / 100);
  }
}
