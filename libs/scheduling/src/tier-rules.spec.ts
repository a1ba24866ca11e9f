import { Tier, TierPolicy } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { TierRules } from './tier-rules';

const R = Tier.TIER_RESERVED;
const OD = Tier.TIER_ON_DEMAND;
const P = Tier.TIER_PREEMPTIBLE;

describe('TierRules', () => {
  it.each([
    { allowed: [], want: [R, P, OD] },
    { allowed: [OD, R], want: [R, OD] },
    { allowed: [P], want: [P] },
    { allowed: [Tier.TIER_UNSPECIFIED], want: [R, P, OD] },
    { allowed: [OD, OD, Tier.UNRECOGNIZED], want: [OD] },
  ])('allows $allowed as $want (cheapest first)', ({ allowed, want }) => {
    expect(TierRules.of(TierPolicy.fromPartial({ allowed })).allowed).toEqual(want);
  });

  it('allows every tier without a policy', () => {
    expect(TierRules.of(undefined).allowed).toEqual([R, P, OD]);
  });

  // Mirrors the worked example on TierRules.preemptibleLimit.
  it.each([
    { allowed: [R, OD], percent: 50, replicas: 8, want: 0 },
    { allowed: [], percent: 0, replicas: 8, want: Number.POSITIVE_INFINITY },
    { allowed: [], percent: 50, replicas: 8, want: 4 },
    { allowed: [], percent: 30, replicas: 5, want: 1 },
    { allowed: [P], percent: 100, replicas: 3, want: 3 },
    { allowed: [], percent: 50, replicas: 1, want: 0 },
    { allowed: [], percent: 150, replicas: 4, want: 4 },
    { allowed: [], percent: -5, replicas: 4, want: Number.POSITIVE_INFINITY },
  ])('$percent % of $replicas replicas with $allowed -> at most $want preemptible', ({ allowed, percent, replicas, want }) => {
    expect(TierRules.of(TierPolicy.fromPartial({ allowed, maxPreemptiblePercent: percent })).preemptibleLimit(replicas)).toBe(want);
  });
});
