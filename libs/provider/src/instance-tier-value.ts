import { Tier } from '@helios/api';

// One spelling for every cloud: an instance tagged on AWS and one labelled on GCP read the same.
// Lowercase, digits and '-' only, so each is a valid EC2 tag value and GCE label value as is.
const TIER_VALUES: ReadonlyArray<[Tier, string]> = [
  [Tier.TIER_RESERVED, 'reserved'],
  [Tier.TIER_ON_DEMAND, 'on-demand'],
  [Tier.TIER_PREEMPTIBLE, 'preemptible'],
];
const UNSPECIFIED = 'unspecified';

/**
 * The value an adapter writes in an instance's tier tag (EC2) or label (GCE): `reserved`,
 * `on-demand`, `preemptible`, or `unspecified` for a tier that is none of them.
 */
export function instanceTierValue(tier: Tier): string {
  return TIER_VALUES.find(([t]) => t === tier)?.[1] ?? UNSPECIFIED;
}

/** Reads a tier tag or label value back; unknown or missing values are TIER_UNSPECIFIED. */
export function tierFromInstanceValue(value: string | undefined): Tier {
  return TIER_VALUES.find(([, v]) => v === value)?.[0] ?? Tier.TIER_UNSPECIFIED;
}
