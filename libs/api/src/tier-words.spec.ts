import { describe, expect, it } from 'vitest';
import { Tier } from './gen/helios/v1/resources';
import { tierOfWord, tierWord } from './tier-words';

describe('tier words', () => {
  it.each([
    { tier: Tier.TIER_RESERVED, word: 'reserved' },
    { tier: Tier.TIER_ON_DEMAND, word: 'on-demand' },
    { tier: Tier.TIER_PREEMPTIBLE, word: 'preemptible' },
  ])('$word round-trips', ({ tier, word }) => {
    expect(tierWord(tier)).toBe(word);
    expect(tierOfWord(word)).toBe(tier);
  });

  it('writes unspecified for any other tier, and reads anything unknown as unspecified', () => {
    expect([tierWord(Tier.TIER_UNSPECIFIED), tierWord(Tier.UNRECOGNIZED)]).toEqual(['unspecified', 'unspecified']);
    expect([tierOfWord('unspecified'), tierOfWord('spot'), tierOfWord(undefined)]).toEqual([Tier.TIER_UNSPECIFIED, Tier.TIER_UNSPECIFIED, Tier.TIER_UNSPECIFIED]);
  });
});
