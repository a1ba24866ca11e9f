import { NodePool, Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { PoolOfferings, pricePerGpu, sameOffer } from './pool-offerings';
import { pool } from './testing/fixtures';

const R = Tier.TIER_RESERVED;
const OD = Tier.TIER_ON_DEMAND;
const P = Tier.TIER_PREEMPTIBLE;

describe('pricePerGpu', () => {
  it.each([
    { price: 32, gpusPerNode: 8, want: 4 },
    { price: 0, gpusPerNode: 8, want: Number.POSITIVE_INFINITY },
    { price: 10, gpusPerNode: 0, want: Number.POSITIVE_INFINITY },
  ])('$price $/h for $gpusPerNode GPUs -> $want', ({ price, gpusPerNode, want }) => {
    expect(pricePerGpu(pool('c', 'p', { price, gpusPerNode }))).toBe(want);
  });
});

describe('PoolOfferings', () => {
  const pools = [
    pool('east', 'od-cheap', { tier: OD, price: 16 }),
    pool('east', 'od-unpriced', { tier: OD }),
    pool('east', 'od-dear', { tier: OD, price: 40 }),
    pool('east', 'spot', { tier: P, price: 24 }),
    pool('east', 'res', { tier: R, price: 50 }),
    pool('east', 'small', { tier: R, gpusPerNode: 2 }),
    pool('east', 'a100', { tier: R, gpuType: 'a100' }),
    pool('west', 'res', { tier: R }),
    pool('east', 'out', { tier: R, unavailableSince: '2025-01-01T10:00:00Z' }),
  ];
  const names = (o: PoolOfferings) => o.cheapestFirst().map((p) => `${p.spec!.cell}/${p.metadata!.name}`);

  it('orders by tier, then price per GPU (unknown last), then cell and name', () => {
    expect(names(PoolOfferings.of(pools).ofGpuType('h100'))).toEqual([
      'east/res',
      'east/out',
      'east/small',
      'west/res',
      'east/spot',
      'east/od-cheap',
      'east/od-dear',
      'east/od-unpriced',
    ]);
  });

  it('narrows by cell, type, tier, node size and availability', () => {
    const east = PoolOfferings.of(pools).inCell('east').ofGpuType('h100');
    expect(names(east.ofTiers([OD, P]).fitting(8))).toEqual(['east/spot', 'east/od-cheap', 'east/od-dear', 'east/od-unpriced']);
    expect(names(east.ofTiers([R]).fitting(4).available(new Date('2025-01-01T10:01:00Z')))).toEqual(['east/res']);
    expect(names(east.ofTiers([R]).fitting(4).available(new Date('2025-01-01T11:00:00Z')))).toEqual(['east/res', 'east/out']);
    expect(PoolOfferings.of(pools).inCell('north').cheapest()).toBeUndefined();
    expect(PoolOfferings.of(pools).ofGpuType('').pools).toHaveLength(pools.length);
  });

  it.each<{ name: string; change: (p: NodePool) => NodePool; same: boolean }>([
    { name: 'members and GPUs reported', change: (p) => ({ ...p, status: { ...p.status!, ready: 3, gpus: [{ tier: p.spec!.tier, gpuType: 'h100', provisioned: 24, allocated: 5, free: 19, unhealthy: 0 }] } }), same: true },
    { name: 'desired raised', change: (p) => ({ ...p, status: { ...p.status!, desired: 4 } }), same: false },
    { name: 'max lowered', change: (p) => ({ ...p, spec: { ...p.spec!, max: 2 } }), same: false },
    { name: 'scaled up just now', change: (p) => ({ ...p, status: { ...p.status!, lastScaleUpTime: '2025-01-01T10:00:00Z' } }), same: false },
    { name: 'marked CapacityUnavailable', change: () => pool('east', 'od', { unavailableSince: '2025-01-01T10:00:00Z' }), same: false },
  ])('sameOffer: $name -> $same', ({ change, same }) => {
    const before = pool('east', 'od');
    expect(sameOffer(before, change(before))).toBe(same);
  });
});
