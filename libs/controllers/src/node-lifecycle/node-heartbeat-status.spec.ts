import { NodePhase, NodeStatus } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { NODE_CONDITIONS } from '@helios/replica-lifecycle';
import { heartbeatLostAt, heartbeatLostStatus, heartbeatRestoredStatus, holdsHeartbeat, isHeartbeatLost } from './node-heartbeat-status';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-01T00:01:00.000Z';
const status = (phase: NodePhase, extra: Partial<NodeStatus> = {}) => NodeStatus.fromPartial({ phase, allocatableGpus: 8, lastTransitionTime: T0, ...extra });
const heartbeat = (s: NodeStatus | undefined) => s?.conditions.find((c) => c.type === NODE_CONDITIONS.heartbeat);

describe('heartbeatLostStatus', () => {
  it.each([
    // The worked example in the function's comment.
    { name: 'Ready turns NotReady', current: status(NodePhase.NODE_PHASE_READY), phase: NodePhase.NODE_PHASE_NOT_READY, reason: 'HeartbeatLost', since: T1 },
    { name: 'Draining stays Draining', current: status(NodePhase.NODE_PHASE_DRAINING), phase: NodePhase.NODE_PHASE_DRAINING, reason: '', since: T0 },
    { name: 'NotReady for another reason keeps it', current: status(NodePhase.NODE_PHASE_NOT_READY, { reason: 'GpuFault' }), phase: NodePhase.NODE_PHASE_NOT_READY, reason: 'GpuFault', since: T0 },
  ])('$name', ({ current, phase, reason, since }) => {
    const next = heartbeatLostStatus(current, T1, 'lease 7 expired')!;
    expect([next.phase, next.reason, next.lastTransitionTime]).toEqual([phase, reason, since]);
    expect(heartbeat(next)).toEqual({ type: NODE_CONDITIONS.heartbeat, status: 'False', reason: 'HeartbeatLost', message: 'lease 7 expired', lastTransitionTime: T1 });
    expect(next.allocatableGpus).toBe(8);
    expect(isHeartbeatLost(next)).toBe(true);
    expect(heartbeatLostAt(next)).toBe(Date.parse(T1));
  });

  it.each([
    { name: 'already recorded', current: heartbeatLostStatus(status(NodePhase.NODE_PHASE_READY), T0, 'x') },
    { name: 'still provisioning', current: status(NodePhase.NODE_PHASE_PROVISIONING) },
    { name: 'terminated', current: status(NodePhase.NODE_PHASE_TERMINATED) },
    { name: 'no status', current: undefined },
  ])('writes nothing when $name', ({ current }) => {
    expect(heartbeatLostStatus(current, T1, 'lease 7 expired')).toBeUndefined();
  });
});

describe('heartbeatRestoredStatus', () => {
  const lost = heartbeatLostStatus(status(NodePhase.NODE_PHASE_READY), T0, 'x')!;

  it('turns a node NotReady for HeartbeatLost Ready again (the worked example)', () => {
    const next = heartbeatRestoredStatus(lost, T1)!;
    expect([next.phase, next.reason, next.lastTransitionTime]).toEqual([NodePhase.NODE_PHASE_READY, '', T1]);
    expect(heartbeat(next)).toMatchObject({ status: 'True', reason: 'HeartbeatPresent', lastTransitionTime: T1 });
  });

  it('fixes only the condition of a node its agent already set Ready', () => {
    const next = heartbeatRestoredStatus({ ...lost, phase: NodePhase.NODE_PHASE_READY, reason: '', lastTransitionTime: T0 }, T1)!;
    expect([next.phase, next.lastTransitionTime, heartbeat(next)?.status]).toEqual([NodePhase.NODE_PHASE_READY, T0, 'True']);
  });

  it.each([
    { name: 'a Ready node without the condition', current: status(NodePhase.NODE_PHASE_READY) },
    { name: 'NotReady for another reason', current: status(NodePhase.NODE_PHASE_NOT_READY, { reason: 'GpuFault' }) },
    { name: 'a restored node', current: heartbeatRestoredStatus(lost, T0) },
  ])('writes nothing for $name', ({ current }) => {
    expect(heartbeatRestoredStatus(current, T1)).toBeUndefined();
  });
});

describe('holdsHeartbeat', () => {
  it.each([
    { phase: NodePhase.NODE_PHASE_READY, want: true },
    { phase: NodePhase.NODE_PHASE_NOT_READY, want: true },
    { phase: NodePhase.NODE_PHASE_DRAINING, want: true },
    { phase: NodePhase.NODE_PHASE_PROVISIONING, want: false },
    { phase: NodePhase.NODE_PHASE_TERMINATED, want: false },
    { phase: NodePhase.NODE_PHASE_UNSPECIFIED, want: false },
  ])('phase $phase -> $want', ({ phase, want }) => {
    expect(holdsHeartbeat(status(phase))).toBe(want);
  });
});
