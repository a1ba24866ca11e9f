import { Tier } from './gen/helios/v1/resources';

// Lowercase letters and '-' only, so each is a valid EC2 tag value, GCE label value, metric label
// and command-line word as is. Written on cloud instances: never rename one.
const TIER_WORDS: ReadonlyArray<[Tier, string]> = [
  [Tier.TIER_RESERVED, 'reserved'],
  [Tier.TIER_ON_DEMAND, 'on-demand'],
  [Tier.TIER_PREEMPTIBLE, 'preemptible'],
];
const UNSPECIFIED = 'unspecified';

/**
 * The word for a tier wherever it is written out of a message: in people's messages and flags,
 * in metric labels, in the tier tag (EC2) or label (GCE) of an instance. `reserved`,
 * `on-demand`, `preemptible`, or `unspecified` for a tier that is none of them.
 */
export function tierWord(tier: Tier): string {
  return TIER_WORDS.find(([t]) => t === tier)?.[1] ?? UNSPECIFIED;
}

/** The tier a word names (see tierWord); unknown or missing words are TIER_UNSPECIFIED. */
export function tierOfWord(word: string | undefined): Tier {
  return TIER_WORDS.find(([, w]) => w === word)?.[0] ?? Tier.TIER_UNSPECIFIED;
}
