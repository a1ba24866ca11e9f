import { Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { resolveCapacityOptions } from './capacity-options';

describe('resolveCapacityOptions', () => {
  it('applies the defaults', () => {
    expect(resolveCapacityOptions()).toEqual({
      headroomGpus: 0,
      headroomPercent: 0,
      headroomTiers: [Tier.TIER_RESERVED, Tier.TIER_PREEMPTIBLE, Tier.TIER_ON_DEMAND],
      scaleDownCooldownSeconds: 300,
      capacityUnavailableBackoffSeconds: 300,
    });
  });

  it('keeps what is given, puts tiers in cost order and reads negatives as 0', () => {
    expect(
      resolveCapacityOptions({ headroomGpus: -1, headroomPercent: 5, headroomTiers: [Tier.TIER_ON_DEMAND, Tier.TIER_RESERVED], scaleDownCooldownSeconds: 60, capacityUnavailableBackoffSeconds: -2 }),
    ).toEqual({ headroomGpus: 0, headroomPercent: 5, headroomTiers: [Tier.TIER_RESERVED, Tier.TIER_ON_DEMAND], scaleDownCooldownSeconds: 60, capacityUnavailableBackoffSeconds: 0 });
  });
});
