import { NodeFacts, Node, Replica, ReplicaPhase, ReplicaStatusReport, type ReplicaStatus } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { leaseDenial, planRelease, planReplicaReport, registrationDenial } from './node-authorization';
import type { NodeIdentity } from './node-credential';

const me: NodeIdentity = { cell: 'c1', node: 'n1', pool: '', expiresAt: Number.MAX_SAFE_INTEGER };
const replica = (node: string, extra: { uid?: string; deletionTime?: string; status?: Partial<ReplicaStatus>; cell?: string } = {}) =>
  Replica.fromPartial({
    metadata: { name: 'chat-abc', uid: extra.uid ?? 'u1', resourceVersion: 7, deletionTime: extra.deletionTime },
    spec: { deployment: 'chat', cell: extra.cell ?? 'c1', node },
    status: { phase: ReplicaPhase.REPLICA_PHASE_STARTING, ...extra.status },
  });
const report = (phase: ReplicaPhase, uid = 'u1') => ReplicaStatusReport.fromPartial({ deployment: 'chat', name: 'chat-abc', uid, status: { phase, endpoint: '10.0.0.5:9000' } });
const notBound = 'node c1/n1 may not write the status of replica chat/chat-abc: it is not bound to this node';
const retiredAt = '2026-12-03T11:00:00Z';

describe('planReplicaReport', () => {
  it.each([
    ['bound here', replica('n1'), report(ReplicaPhase.REPLICA_PHASE_READY), 'write'],
    ['bound to another node', replica('n2'), report(ReplicaPhase.REPLICA_PHASE_READY), { action: 'deny', message: notBound }],
    ['on a node of that name in another cell', replica('n1', { cell: 'c2' }), report(ReplicaPhase.REPLICA_PHASE_READY), { action: 'deny', message: notBound }],
    ['not bound yet', replica(''), report(ReplicaPhase.REPLICA_PHASE_READY), { action: 'deny', message: notBound }],
    ['absent (the same answer: no oracle)', undefined, report(ReplicaPhase.REPLICA_PHASE_READY), { action: 'deny', message: notBound }],
    ['created again under the name', replica('n1', { uid: 'u2' }), report(ReplicaPhase.REPLICA_PHASE_READY), { action: 'skip', why: 'another replica under this name' }],
    ['retired: Ready loses to the retirement', replica('n1', { deletionTime: retiredAt }), report(ReplicaPhase.REPLICA_PHASE_READY), { action: 'skip', why: 'retired' }],
    ['retired: Terminating is the agent acknowledging it', replica('n1', { deletionTime: retiredAt }), report(ReplicaPhase.REPLICA_PHASE_TERMINATING), 'write'],
    ['the status it already has', replica('n1', { status: { phase: ReplicaPhase.REPLICA_PHASE_READY, endpoint: '10.0.0.5:9000' } }), report(ReplicaPhase.REPLICA_PHASE_READY), { action: 'unchanged' }],
  ] as const)('%s', (_what, current, claim, expected) => {
    const plan = planReplicaReport(me, claim, current);
    if (expected === 'write') {
      expect(plan.action).toBe('write');
      expect(plan.action === 'write' && plan.next.status).toEqual(claim.status);
      expect(plan.action === 'write' && plan.next.metadata).toEqual(current!.metadata);
    } else {
      expect(plan).toEqual(expected);
    }
  });
});

describe('planRelease', () => {
  it.each([
    ['retired, here, same uid', replica('n1', { deletionTime: retiredAt }), 'u1', { action: 'delete', resourceVersion: 7 }],
    ['not retired', replica('n1'), 'u1', { action: 'keep', why: 'not retired' }],
    ['another uid', replica('n1', { deletionTime: retiredAt, uid: 'u2' }), 'u1', { action: 'keep', why: 'another replica under this name' }],
    ['bound elsewhere', replica('n2', { deletionTime: retiredAt }), 'u1', { action: 'deny', message: 'node c1/n1 may not delete replica chat/chat-abc: it is not bound to this node' }],
    ['absent', undefined, 'u1', { action: 'deny', message: 'node c1/n1 may not delete replica chat/chat-abc: it is not bound to this node' }],
  ] as const)('%s', (_what, current, uid, plan) => {
    expect(planRelease(me, 'chat', 'chat-abc', uid, current)).toEqual(plan);
  });
});

describe('leaseDenial', () => {
  const node = (leaseId: string) => Node.fromPartial({ metadata: { name: 'n1' }, status: { leaseId } });
  const denied = (lease: string) => `node c1/n1 may not keep lease ${lease} alive: it is not this node's current lease (Register for a new one)`;
  it.each([
    ['its current lease', '42', node('42'), undefined],
    ['another lease', '43', node('42'), denied('43')],
    ['a lease of a node that is not registered', '42', undefined, denied('42')],
    ['no lease at all, against a Node without one', '', node(''), denied('(none)')],
    ['lease 0', '0', node('0'), denied('0')],
  ] as const)('%s', (_what, lease, current, denial) => {
    expect(leaseDenial(me, lease, current)).toBe(denial);
  });
});

describe('registrationDenial', () => {
  it.each([
    ['its own name', { ...me }, 'n1', 'gpu-a', undefined],
    ['another name', { ...me }, 'n2', 'gpu-a', 'node c1/n1 may not register as node n2: its credential is for n1'],
    ['the pool its token allowed', { ...me, pool: 'gpu-a' }, 'n1', 'gpu-a', undefined],
    ['another pool than its token allowed', { ...me, pool: 'gpu-a' }, 'n1', 'gpu-b', 'node c1/n1 may not register in pool gpu-b: its bootstrap token allowed pool gpu-a only'],
  ] as const)('%s', (_what, identity, name, pool, denial) => {
    expect(registrationDenial(identity, NodeFacts.fromPartial({ name, pool }))).toBe(denial);
  });
});
