import { ReplicaPhase, Tier } from '@helios/api';
import { GpuHoldings } from '@helios/scheduling';
import { describe, expect, it } from 'vitest';
import { CellCapacity } from './cell-capacity';
import { node, pool, replica } from '@helios/scheduling/testing';

const R = Tier.TIER_RESERVED;
const OD = Tier.TIER_ON_DEMAND;
const P = Tier.TIER_PREEMPTIBLE;
const NOW = new Date('2025-01-01T12:00:00Z');

function tally(capacity: CellCapacity): string[] {
  return capacity.tallies().map((t) => `${t.pool.metadata!.name}: ${t.needed} needed, ${t.added} added`);
}

describe('CellCapacity', () => {
  // Mirrors the worked example on CellCapacity.keepFree.
  it('keeps idle nodes for headroom first, then adds ceil(shortfall / gpusPerNode) nodes', () => {
    const pools = [pool('east', 'od', { tier: OD })];
    const nodes = [node('east', 'busy', { pool: 'od' }), node('east', 'idle', { pool: 'od' })];
    const replicas = [replica('d', 'r', { cell: 'east', node: 'busy', gpus: 5, indices: [0, 1, 2, 3, 4], phase: ReplicaPhase.REPLICA_PHASE_READY })];
    const capacity = CellCapacity.build('east', { pools, nodes, holdings: GpuHoldings.of(replicas), now: NOW, backoffSeconds: 300 });
    expect(capacity.keepFree('h100', 12, [R, P, OD])).toBe(0);
    expect(tally(capacity)).toEqual(['od: 3 needed, 1 added']);
  });

  it('reports the headroom it found no room for', () => {
    const capacity = CellCapacity.build('east', { pools: [pool('east', 'od', { max: 1 })], nodes: [], holdings: GpuHoldings.of([]), now: NOW, backoffSeconds: 300 });
    expect(capacity.keepFree('h100', 20, [OD])).toBe(12);
  });

  it.each([
    { name: 'no pool of the type', request: { gpus: 1, gpuType: 'b200' }, tiers: [OD], want: 'NoMatchingPool' },
    { name: 'no pool of the tier', request: { gpus: 1, gpuType: 'h100' }, tiers: [R], want: 'NoMatchingPool' },
    { name: 'nodes too small', request: { gpus: 16, gpuType: 'h100' }, tiers: [OD, P], want: 'NoMatchingPool' },
    { name: 'every match in backoff', request: { gpus: 1, gpuType: 'h100' }, tiers: [P], want: 'CapacityUnavailable' },
    { name: 'every match at max', request: { gpus: 1, gpuType: 'h100' }, tiers: [OD], want: 'PoolsAtMax' },
  ])('says why a replica fits nowhere: $name', ({ request, tiers, want }) => {
    const pools = [pool('east', 'od', { tier: OD, max: 0 }), pool('east', 'spot', { tier: P, unavailableSince: '2025-01-01T11:59:00Z' })];
    const capacity = CellCapacity.build('east', { pools, nodes: [], holdings: GpuHoldings.of([]), now: NOW, backoffSeconds: 300 });
    expect(capacity.fit(request, tiers)).toBe(want);
  });
});
