import { Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { demandOf, lowerBoundCost, lowerBoundRate, spend } from './cost-bound';
import type { PoolSpec } from './fleet-spec';

// The worked example of lowerBoundRate.
const pools: PoolSpec[] = [
  { cell: 'c', name: 'R', tier: Tier.TIER_RESERVED, min: 2, max: 2, price: 40, gpusPerNode: 8 },
  { cell: 'c', name: 'P', tier: Tier.TIER_PREEMPTIBLE, min: 0, max: 12, price: 32, gpusPerNode: 8 },
  { cell: 'c', name: 'OD', tier: Tier.TIER_ON_DEMAND, min: 0, max: 16, price: 96, gpusPerNode: 8 },
];
const HOUR = 3_600_000;
const strict = (gpus: number) => ({ gpus, preemptibleShare: 0 });
const flexible = (gpus: number) => ({ gpus, preemptibleShare: 1 });

describe('lowerBoundRate', () => {
  it.each([
    { name: 'worked example: 16 strict + 24 flexible', demand: [strict(16), flexible(24)], want: 176 },
    { name: 'worked example: 40 strict', demand: [strict(40)], want: 80 + 288 },
    { name: 'the reservation holds it all', demand: [flexible(10)], want: 80 },
    { name: 'nothing asked: the reservation is still paid', demand: [], want: 80 },
    { name: 'P full (96 GPUs), then OD', demand: [flexible(16 + 96 + 8)], want: 80 + 384 + 96 },
    { name: 'half-preemptible 32 GPUs: 16 on R, 16 on P', demand: [{ gpus: 32, preemptibleShare: 0.5 }], want: 80 + 64 },
  ])('$name -> $$want per hour', ({ demand, want }) => {
    expect(lowerBoundRate(pools, demand)).toBeCloseTo(want, 6);
  });
});

describe('demandOf', () => {
  it.each([
    { d: { name: 'a', replicas: 3, gpus: 8 }, want: { gpus: 24, preemptibleShare: 1 } },
    { d: { name: 'b', replicas: 4, gpus: 2, tiers: [Tier.TIER_RESERVED, Tier.TIER_ON_DEMAND] }, want: { gpus: 8, preemptibleShare: 0 } },
    { d: { name: 'c', replicas: 10, gpus: 4, maxPreemptiblePercent: 50 }, want: { gpus: 40, preemptibleShare: 0.5 } },
  ])('$d.name -> $want', ({ d, want }) => {
    expect(demandOf(d)).toEqual(want);
  });
});

describe('lowerBoundCost and spend', () => {
  it('integrate over time', () => {
    expect(lowerBoundCost(pools, [{ from: 0, to: HOUR, demand: [strict(16), flexible(24)] }, { from: HOUR, to: 3 * HOUR, demand: [] }])).toBeCloseTo(176 + 160, 6);
    expect(spend(pools, [{ pool: 'P', start: 0, end: HOUR / 2 }, { pool: 'OD', start: HOUR }], 0, 2 * HOUR)).toBeCloseTo(16 + 96, 6);
  });
});
