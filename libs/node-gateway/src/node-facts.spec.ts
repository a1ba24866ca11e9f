import { Node, NodeFacts, NodePhase, NodeStatus, Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { leaseTtlFor, POOL_LABEL, registeredNode, validateNodeFacts, validateReportedNodeStatus, withReportedStatus } from './node-facts';

const gpu = (index: number, healthy = true) => ({ index, uuid: `GPU-${index}`, model: 'H100', memoryMib: 81_559, healthy });
const facts = (fields: Partial<NodeFacts> = {}) =>
  NodeFacts.fromPartial({ name: 'n1', pool: 'gpu-a', tier: Tier.TIER_PREEMPTIBLE, gpuType: 'h100', gpus: [gpu(0), gpu(1, false)], providerId: 'i-0abc', zone: 'z1', address: '10.0.0.5', ...fields });

describe('validateNodeFacts', () => {
  it('accepts a host with GPUs, and one without', () => {
    expect(validateNodeFacts(facts())).toEqual([]);
    expect(validateNodeFacts(facts({ gpus: [], gpuType: '' }))).toEqual([]);
  });

  it.each([
    ['no facts', undefined, [{ path: 'node', message: 'is required' }]],
    ['no name', facts({ name: '' }), [{ path: 'node.name', message: 'is required' }]],
    ['a name with a slash', facts({ name: 'a/b' }), [{ path: 'node.name', message: expect.stringContaining('must be a DNS-1123 label') }]],
    ['GPUs without a type', facts({ gpuType: '' }), [{ path: 'node.gpuType', message: 'is required' }]],
    ['a GPU index out of range', facts({ gpus: [gpu(0), gpu(1), gpu(16)] }), [{ path: 'node.gpus[2].index', message: 'must be <= 15, got 16' }]],
    ['a GPU listed twice', facts({ gpus: [gpu(3), gpu(3)] }), [{ path: 'node.gpus[1].index', message: 'GPU 3 is listed twice' }]],
    ['17 GPUs', facts({ gpus: Array.from({ length: 17 }, (_, i) => gpu(i % 16)) }), [{ path: 'node.gpus', message: 'at most 16 GPUs, got 17' }]],
    ['an unknown tier', facts({ tier: 42 as Tier }), [{ path: 'node.tier', message: expect.stringContaining('must be one of') }]],
    ['a negative lease TTL', facts({ leaseTtlSeconds: -1 }), [{ path: 'node.leaseTtlSeconds', message: 'must not be negative, got -1' }]],
  ])('refuses %s, naming the field', (_what, given, errors) => {
    expect(validateNodeFacts(given)).toEqual(errors);
  });
});

describe('validateReportedNodeStatus', () => {
  it.each([
    ['a consistent report', { gpus: [gpu(0)], allocatableGpus: 1 }, []],
    ['more allocatable GPUs than GPUs', { gpus: [gpu(0)], allocatableGpus: 2 }, [{ path: 'nodeStatus.allocatableGpus', message: 'must be <= 1, got 2' }]],
    ['a condition without a type', { conditions: [{ type: '', status: 'True' }] }, [{ path: 'nodeStatus.conditions[0].type', message: 'is required' }]],
    ['a preemption notice', { preemptionTime: '2026-01-01T00:02:00.000Z' }, []],
    ['a preemption time that is not a time', { preemptionTime: 'soon' }, [{ path: 'nodeStatus.preemptionTime', message: 'not a time: soon' }]],
  ])('%s', (_what, status, errors) => {
    expect(validateReportedNodeStatus(NodeStatus.fromPartial(status))).toEqual(errors);
  });
});

describe('leaseTtlFor', () => {
  // Bounds 2-60, default 5: 0 -> 5, 1 -> 2, 10 -> 10, 600 -> 60.
  it.each([
    [0, 5],
    [1, 2],
    [10, 10],
    [600, 60],
  ])('%i s asked -> %i s', (asked, granted) => {
    expect(leaseTtlFor(asked, { defaultSeconds: 5, minSeconds: 2, maxSeconds: 60 })).toBe(granted);
  });
});

describe('registeredNode', () => {
  const context = { cell: 'c1', leaseId: '777', now: '2026-12-03T12:00:00.000Z', newUid: 'uid-new' };

  it('creates the Node Ready on the lease, its pool labelled and its healthy GPUs allocatable', () => {
    const node = registeredNode(undefined, facts(), context);
    expect(node.metadata).toMatchObject({ name: 'n1', uid: 'uid-new', generation: 1, createdAt: context.now, labels: { [POOL_LABEL]: 'gpu-a' } });
    expect(node.spec).toMatchObject({ cell: 'c1', pool: 'gpu-a', tier: Tier.TIER_PREEMPTIBLE, providerId: 'i-0abc', gpuType: 'h100', gpus: 2, zone: 'z1' });
    expect(node.status).toMatchObject({ phase: NodePhase.NODE_PHASE_READY, allocatableGpus: 1, address: '10.0.0.5', leaseId: '777', lastTransitionTime: context.now, reason: '' });
    expect(registeredNode(undefined, facts({ providerId: '' }), context).spec?.providerId).toBe('n1');
  });

  it.each([
    ['NotReady comes back Ready, since now', NodePhase.NODE_PHASE_NOT_READY, NodePhase.NODE_PHASE_READY, context.now, ''],
    ['Draining stays Draining (the cell agent decided it)', NodePhase.NODE_PHASE_DRAINING, NodePhase.NODE_PHASE_DRAINING, '2026-12-03T10:00:00.000Z', 'Preempted'],
    ['Ready stays Ready, since it was', NodePhase.NODE_PHASE_READY, NodePhase.NODE_PHASE_READY, '2026-12-03T10:00:00.000Z', ''],
  ])('registering again: %s, keeping what others own', (_what, before, after, since, reason) => {
    const current = Node.fromPartial({
      metadata: { name: 'n1', uid: 'uid-old', generation: 3, resourceVersion: 40, createdAt: '2026-12-01T00:00:00.000Z', labels: { team: 'ml', [POOL_LABEL]: 'old' }, annotations: { note: 'x' } },
      spec: { cell: 'c1', pool: 'old', unschedulable: true },
      status: { phase: before, reason: 'Preempted', lastTransitionTime: '2026-12-03T10:00:00.000Z', conditions: [{ type: 'Preempting', status: 'True' }], leaseId: '1' },
    });
    const node = registeredNode(current, facts(), context);
    expect(node.metadata).toMatchObject({ uid: 'uid-old', generation: 3, resourceVersion: 40, createdAt: '2026-12-01T00:00:00.000Z', labels: { team: 'ml', [POOL_LABEL]: 'gpu-a' }, annotations: { note: 'x' } });
    expect(node.spec?.unschedulable).toBe(true);
    expect(node.status).toMatchObject({ phase: after, reason, lastTransitionTime: since, leaseId: '777', conditions: [{ type: 'Preempting', status: 'True' }] });
  });
});

describe('withReportedStatus', () => {
  const current = Node.fromPartial({
    metadata: { name: 'n1', resourceVersion: 9 },
    status: { phase: NodePhase.NODE_PHASE_DRAINING, reason: 'ScaleDown', leaseId: '777', gpus: [gpu(0)], allocatableGpus: 1, address: '10.0.0.5' },
  });

  it('replaces GPUs, allocatable GPUs, address and conditions, and nothing a node does not own', () => {
    const next = withReportedStatus(current, NodeStatus.fromPartial({ phase: NodePhase.NODE_PHASE_READY, leaseId: '1', reason: 'x', gpus: [gpu(0, false)], allocatableGpus: 0, address: '10.0.0.6', conditions: [{ type: 'GpuXid', status: 'True' }] }));
    expect(next?.status).toMatchObject({ phase: NodePhase.NODE_PHASE_DRAINING, reason: 'ScaleDown', leaseId: '777', allocatableGpus: 0, address: '10.0.0.6', gpus: [gpu(0, false)], conditions: [{ type: 'GpuXid', status: 'True' }] });
    expect(next?.metadata?.resourceVersion).toBe(9);
  });

  it('is undefined when the report says what the Node already does', () => {
    expect(withReportedStatus(current, NodeStatus.fromPartial({ gpus: [gpu(0)], allocatableGpus: 1, address: '10.0.0.5' }))).toBeUndefined();
  });

  it("marks a Ready node Draining, reason Preempted, when the host reports its cloud's preemption notice, and only once", () => {
    const ready = Node.fromPartial({ ...current, status: { ...current.status, phase: NodePhase.NODE_PHASE_READY, reason: '' } });
    const report = NodeStatus.fromPartial({ gpus: [gpu(0)], allocatableGpus: 1, address: '10.0.0.5', preemptionTime: '2026-01-01T00:02:00.000Z' });
    const next = withReportedStatus(ready, report, new Date('2026-01-01T00:00:00.000Z'));
    expect(next?.status).toMatchObject({ phase: NodePhase.NODE_PHASE_DRAINING, reason: 'Preempted', preemptionTime: '2026-01-01T00:02:00.000Z', lastTransitionTime: '2026-01-01T00:00:00.000Z', leaseId: '777' });
    expect(withReportedStatus(next!, report)).toBeUndefined();
  });
});
