import { NodePhase, NodeStatus } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { NODE_REASONS } from './node-conditions';
import { preemptedNodeStatus } from './node-preemption';

const DEADLINE = '2026-01-01T00:02:00.000Z';
const NOW = '2026-01-01T00:00:00.000Z';
const EARLIER = '2025-12-31T23:00:00.000Z';

describe('preemptedNodeStatus', () => {
  it.each([
    { name: 'a Ready node turns Draining, Preempted, with the deadline, transitioning now', phase: NodePhase.NODE_PHASE_READY, preemptionTime: undefined, transition: NOW },
    { name: 'a node Draining for another reason keeps its transition time', phase: NodePhase.NODE_PHASE_DRAINING, preemptionTime: undefined, transition: EARLIER },
    { name: 'a NotReady node turns Draining too', phase: NodePhase.NODE_PHASE_NOT_READY, preemptionTime: undefined, transition: NOW },
  ])('$name', ({ phase, preemptionTime, transition }) => {
    const current = NodeStatus.fromPartial({ phase, preemptionTime, lastTransitionTime: EARLIER, allocatableGpus: 8, address: '10.0.0.1' });
    expect(preemptedNodeStatus(current, DEADLINE, NOW)).toEqual(
      NodeStatus.fromPartial({ phase: NodePhase.NODE_PHASE_DRAINING, reason: NODE_REASONS.preempted, preemptionTime: DEADLINE, lastTransitionTime: transition, allocatableGpus: 8, address: '10.0.0.1' }),
    );
  });

  it('leaves a node already marked preempted as it is', () => {
    const marked = NodeStatus.fromPartial({ phase: NodePhase.NODE_PHASE_DRAINING, reason: NODE_REASONS.preempted, preemptionTime: DEADLINE });
    expect(preemptedNodeStatus(marked, '2026-01-01T00:05:00.000Z', NOW)).toBeUndefined();
  });
});
