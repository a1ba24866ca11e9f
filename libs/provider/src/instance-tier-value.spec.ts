import { Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { instanceTierValue, tierFromInstanceValue } from './instance-tier-value';

describe('instance tier values', () => {
  it.each([
    { tier: Tier.TIER_RESERVED, value: 'reserved' },
    { tier: Tier.TIER_ON_DEMAND, value: 'on-demand' },
    { tier: Tier.TIER_PREEMPTIBLE, value: 'preemptible' },
  ])('$value round-trips', ({ tier, value }) => {
    expect(instanceTierValue(tier)).toBe(value);
    expect(tierFromInstanceValue(value)).toBe(tier);
  });

  it('writes unspecified for any other tier, and reads anything unknown as unspecified', () => {
    expect(instanceTierValue(Tier.TIER_UNSPECIFIED)).toBe('unspecified');
    expect([tierFromInstanceValue('unspecified'), tierFromInstanceValue('spot'), tierFromInstanceValue(undefined)]).toEqual([Tier.TIER_UNSPECIFIED, Tier.TIER_UNSPECIFIED, Tier.TIER_UNSPECIFIED]);
  });
});
