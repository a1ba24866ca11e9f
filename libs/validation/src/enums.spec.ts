import { Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { validateEnum } from './enums';

describe('validateEnum', () => {
  it.each([
    { value: Tier.TIER_RESERVED, required: true, want: undefined },
    { value: Tier.TIER_PREEMPTIBLE, required: false, want: undefined },
    { value: Tier.TIER_UNSPECIFIED, required: false, want: undefined },
    { value: Tier.TIER_UNSPECIFIED, required: true, want: 'is required: one of TIER_RESERVED, TIER_ON_DEMAND, TIER_PREEMPTIBLE' },
    // ts-proto decodes an unknown enum number as the raw number.
    { value: 7, required: false, want: 'must be one of TIER_UNSPECIFIED, TIER_RESERVED, TIER_ON_DEMAND, TIER_PREEMPTIBLE, got 7' },
    { value: Tier.UNRECOGNIZED, required: true, want: 'must be one of TIER_RESERVED, TIER_ON_DEMAND, TIER_PREEMPTIBLE, got -1' },
    { value: 1.5, required: true, want: 'got 1.5' },
  ])('$value required=$required', ({ value, required, want }) => {
    const errors = validateEnum('spec.tier', value, Tier, required);
    if (want === undefined) expect(errors).toEqual([]);
    else {
      expect(errors).toHaveLength(1);
      expect(errors[0]!.path).toBe('spec.tier');
      expect(errors[0]!.message).toContain(want);
    }
  });
});
