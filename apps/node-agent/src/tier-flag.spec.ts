import { Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { parseTierFlag } from './tier-flag';

describe('parseTierFlag', () => {
  it.each([
    ['reserved', Tier.TIER_RESERVED],
    ['on-demand', Tier.TIER_ON_DEMAND],
    ['Preemptible', Tier.TIER_PREEMPTIBLE],
    ['spot', Tier.TIER_PREEMPTIBLE],
    ['TIER_ON_DEMAND', Tier.TIER_ON_DEMAND],
  ])('reads %s', (flag, tier) => {
    expect(parseTierFlag(flag)).toBe(tier);
  });

  it.each(['', 'cheap', 'TIER_UNSPECIFIED'])('rejects "%s"', (flag) => {
    expect(() => parseTierFlag(flag)).toThrow('--tier must be reserved, on-demand or preemptible');
  });
});
