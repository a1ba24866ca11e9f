import { Node, NodePhase, Tier } from '@helios/api';
import type { Instance } from '@helios/provider';
import { describe, expect, it } from 'vitest';
import { poolMembers } from './pool-member';

const instance = (id: string, node: string): Instance => ({ id, node, cell: 'c', pool: 'p', tier: Tier.TIER_ON_DEMAND, state: 'running', zone: 'z', launchedAt: new Date(0) });
const node = (name: string, providerId: string, phase = NodePhase.NODE_PHASE_READY) => Node.fromPartial({ metadata: { name }, spec: { pool: 'p', providerId }, status: { phase } });

describe('poolMembers', () => {
  it('joins instances to Nodes by provider id, then by name, and keeps only live Nodes without an instance', () => {
    const members = poolMembers(
      [instance('i-1', 'p-a'), instance('i-2', 'p-b'), instance('i-3', 'p-c')],
      [node('renamed', 'i-1'), node('p-b', ''), node('manual-live', 'x'), node('dead', 'i-9')],
      (n) => ['renamed', 'manual-live'].includes(n),
    );
    expect(members.map((m) => [m.node, m.instanceId, m.phase, m.live])).toEqual([
      ['renamed', 'i-1', NodePhase.NODE_PHASE_READY, true],
      ['p-b', 'i-2', NodePhase.NODE_PHASE_READY, false],
      ['p-c', 'i-3', undefined, false],
      ['manual-live', undefined, NodePhase.NODE_PHASE_READY, true],
    ]);
  });
});
