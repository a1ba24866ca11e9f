import { ReplicaPhase } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { availableAt, failuresOf, isAvailable, replicaTemplateHash } from './replica-facts';
import { templateHash } from './template-hash';
import { T0, replica, template } from './testing/rollout-fixtures';

const P = ReplicaPhase;

describe('availability', () => {
  it.each([
    { name: 'Ready at 10 s, minReady 0', phase: P.REPLICA_PHASE_READY, minReady: 0, now: 10, want: true },
    { name: 'Ready at 10 s, minReady 5, at 14 s', phase: P.REPLICA_PHASE_READY, minReady: 5, now: 14, want: false },
    { name: 'Ready at 10 s, minReady 5, at 15 s', phase: P.REPLICA_PHASE_READY, minReady: 5, now: 15, want: true },
    { name: 'Starting', phase: P.REPLICA_PHASE_STARTING, minReady: 0, now: 100, want: false },
  ])('$name -> $want', ({ phase, minReady, now, want }) => {
    const r = replica('v1', 1, phase, { readySeconds: 10 });
    expect(isAvailable(r, minReady, T0 + now * 1000)).toBe(want);
  });

  it('counts from readyTime, and without one only when minReadySeconds is 0', () => {
    const r = replica('v1', 1, P.REPLICA_PHASE_READY, { readySeconds: 10 });
    expect(availableAt(r, 5)).toBe(T0 + 15_000);
    const noTime = { ...r, status: { ...r.status!, readyTime: undefined } };
    expect([availableAt(noTime, 0), availableAt(noTime, 5)]).toEqual([-Infinity, undefined]);
  });
});

describe('failuresOf and replicaTemplateHash', () => {
  it.each([
    { name: 'healthy', r: replica('v1', 1, P.REPLICA_PHASE_READY), want: 0 },
    { name: 'restarted twice, starting', r: replica('v1', 1, P.REPLICA_PHASE_STARTING, { restarts: 2 }), want: 2 },
    { name: 'crashed, restarting', r: replica('v1', 1, P.REPLICA_PHASE_STARTING, { restarts: 1, reason: 'Crashed' }), want: 1 },
    { name: 'Failed after a restart', r: replica('v1', 1, P.REPLICA_PHASE_FAILED, { restarts: 1, reason: 'NoCommand' }), want: 2 },
    { name: 'node lost', r: replica('v1', 1, P.REPLICA_PHASE_FAILED, { reason: 'NodeLost' }), want: 0 },
  ])('$name: $want failures', ({ r, want }) => {
    expect(failuresOf(r)).toBe(want);
  });

  it('reads the hash label, else hashes the copied template, else gives up', () => {
    const r = replica('v1', 1, P.REPLICA_PHASE_READY);
    expect(replicaTemplateHash(r)).toBe(templateHash(template('v1')));
    const unlabelled = { ...r, metadata: { ...r.metadata!, labels: {} } };
    expect(replicaTemplateHash(unlabelled)).toBe(templateHash(template('v1')));
    expect(replicaTemplateHash({ ...unlabelled, spec: { ...r.spec!, template: undefined } })).toBe('');
  });
});
