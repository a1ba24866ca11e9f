import { Tier } from '@helios/api';

const TIERS: Readonly<Record<string, Tier>> = {
  reserved: Tier.TIER_RESERVED,
  'on-demand': Tier.TIER_ON_DEMAND,
  ondemand: Tier.TIER_ON_DEMAND,
  preemptible: Tier.TIER_PREEMPTIBLE,
  spot: Tier.TIER_PREEMPTIBLE,
};

/** Reads a `--tier` value (`reserved`, `on-demand`, `preemptible`/`spot`, or the enum name `TIER_RESERVED`). */
export function parseTierFlag(value: string): Tier {
  const v = value.trim();
  const tier = TIERS[v.toLowerCase()] ?? (Tier as unknown as Record<string, Tier | undefined>)[v.toUpperCase()];
  if (tier === undefined || tier === Tier.TIER_UNSPECIFIED || typeof tier !== 'number') {
    throw new Error(`--tier must be reserved, on-demand or preemptible, got "${value}"`);
  }
  return tier;
}
