import { Node, NodePhase, Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { gpuCapacity } from './gpu-capacity';

const node = (name: string, tier: Tier, gpuType: string, gpus: number, phase: NodePhase, unhealthy = 0): Node =>
  Node.fromPartial({
    metadata: { name },
    spec: { tier, gpuType, gpus },
    status: {
      phase,
      allocatableGpus: gpus - unhealthy,
      gpus: Array.from({ length: gpus }, (_, index) => ({ index, uuid: `${name}-${index}`, healthy: index >= unhealthy })),
    },
  });

describe('gpuCapacity', () => {
  it('sums the worked example by tier and type', () => {
    const nodes = [
      node('h1', Tier.TIER_ON_DEMAND, 'h100', 8, NodePhase.NODE_PHASE_READY),
      node('h2', Tier.TIER_ON_DEMAND, 'h100', 8, NodePhase.NODE_PHASE_READY, 1),
      node('l1', Tier.TIER_PREEMPTIBLE, 'l4', 4, NodePhase.NODE_PHASE_READY),
      node('h3', Tier.TIER_ON_DEMAND, 'h100', 8, NodePhase.NODE_PHASE_NOT_READY),
    ];
    expect(gpuCapacity(nodes, () => true)).toEqual([
      { tier: Tier.TIER_ON_DEMAND, gpuType: 'h100', provisioned: 16, allocated: 0, free: 15, unhealthy: 1 },
      { tier: Tier.TIER_PREEMPTIBLE, gpuType: 'l4', provisioned: 4, allocated: 0, free: 4, unhealthy: 0 },
    ]);
  });

  it('leaves out Ready nodes whose heartbeat is gone and subtracts allocated GPUs from free', () => {
    const nodes = [node('a', Tier.TIER_RESERVED, 'a100', 8, NodePhase.NODE_PHASE_READY), node('b', Tier.TIER_RESERVED, 'a100', 8, NodePhase.NODE_PHASE_READY)];
    expect(gpuCapacity(nodes, (n) => n === 'a', () => 3)).toEqual([{ tier: Tier.TIER_RESERVED, gpuType: 'a100', provisioned: 8, allocated: 3, free: 5, unhealthy: 0 }]);
  });
});
