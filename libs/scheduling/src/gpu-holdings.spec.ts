import { ReplicaPhase } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { GpuHoldings } from './gpu-holdings';
import { healthyGpuIndices } from './node-eligibility';
import { node, replica } from './testing/fixtures';

describe('GpuHoldings', () => {
  // Mirrors the worked example on GpuHoldings.freeIndices.
  it('takes held indices out, and unindexed holdings off the top', () => {
    const holdings = GpuHoldings.of([
      replica('d', 'a', { cell: 'east', node: 'n', gpus: 2, indices: [0, 1], phase: ReplicaPhase.REPLICA_PHASE_READY }),
      replica('d', 'b', { cell: 'east', node: 'n', gpus: 1, phase: ReplicaPhase.REPLICA_PHASE_READY }),
      replica('d', 'c', { cell: 'west', node: 'n', gpus: 4, indices: [4, 5, 6, 7] }),
    ]);
    expect(holdings.freeIndices(node('east', 'n'))).toEqual([2, 3, 4, 5, 6]);
    expect(holdings.heldGpus('east', 'n')).toBe(3);
    expect(holdings.isBusy('east', 'n')).toBe(true);
    expect(holdings.isBusy('east', 'm')).toBe(false);
    expect(holdings.freeIndices(node('west', 'n'))).toEqual([0, 1, 2, 3]);
  });

  it.each([
    { name: 'reported list, unhealthy dropped', n: node('c', 'n', { gpus: 4, unhealthy: [0, 2] }), want: [1, 3] },
    { name: 'counts only: allocatable', n: node('c', 'n', { gpus: 4, unhealthy: [3], reported: false }), want: [0, 1, 2] },
    { name: 'nothing reported: spec.gpus', n: { ...node('c', 'n', { gpus: 2, reported: false }), status: undefined }, want: [0, 1] },
  ])('healthy indices: $name', ({ n, want }) => {
    expect(healthyGpuIndices(n)).toEqual(want);
  });
});
