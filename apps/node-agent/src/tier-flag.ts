import { Tier, tierOfWord } from '@helios/api';

// Other words people use for a tier, beside tierWord's.
const ALIASES: Readonly<Record<string, Tier>> = { ondemand: Tier.TIER_ON_DEMAND, spot: Tier.TIER_PREEMPTIBLE };

/** Reads a `--tier` value (`reserved`, `on-demand`, `preemptible`/`spot`, or the enum name `TIER_RESERVED`). */
export function parseTierFlag(value: string): Tier {
  const v = value.trim();
  const word = v.toLowerCase();
  const named = tierOfWord(word);
  const tier = named !== Tier.TIER_UNSPECIFIED ? named : (ALIASES[word] ?? (Tier as unknown as Record<string, Tier | undefined>)[v.toUpperCase()]);
  if (tier === undefined || tier === Tier.TIER_UNSPECIFIED || typeof tier !== 'number') {
    throw new Error(`--tier must be reserved, on-demand or preemptible, got "${value}"`);
  }
  return tier;
}
