import { Tier } from '@helios/api';

/** EC2 tag keys Helios writes on every instance it launches, and reads back in `list`. */
export const HELIOS_TAG = {
  cell: 'helios:cell',
  pool: 'helios:pool',
  node: 'helios:node',
  tier: 'helios:tier',
  /** The launch request's token (the per-instance ClientToken is derived from it). */
  launchToken: 'helios:launch-token',
} as const;

const TIER_TAG_VALUES: ReadonlyArray<[Tier, string]> = [
  [Tier.TIER_RESERVED, 'reserved'],
  [Tier.TIER_ON_DEMAND, 'on-demand'],
  [Tier.TIER_PREEMPTIBLE, 'preemptible'],
];

/** Returns the tag value for a tier, or undefined for TIER_UNSPECIFIED / unrecognized tiers. */
export function tierTagValue(tier: Tier): string | undefined {
  return TIER_TAG_VALUES.find(([t]) => t === tier)?.[1];
}

/** Parses a tier tag value; unknown or missing values are TIER_UNSPECIFIED. */
export function tierFromTagValue(value: string | undefined): Tier {
  return TIER_TAG_VALUES.find(([, v]) => v === value)?.[0] ?? Tier.TIER_UNSPECIFIED;
}
