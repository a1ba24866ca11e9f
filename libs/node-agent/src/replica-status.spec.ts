import { Replica, ReplicaPhase, ReplicaStatus } from '@helios/api';
import type { RunState } from '@helios/replica-runtime';
import { describe, expect, it } from 'vitest';
import { isBoundTo, joinHostPort, replicaStatusFor, sameStatus } from './replica-status';

const NOW = '2025-01-01T00:00:10.000Z';
const EARLIER = '2025-01-01T00:00:00.000Z';
const run = (over: Partial<RunState>): RunState => ({ phase: 'starting', port: 20417, restarts: 0, reason: 'Started', message: '', ...over });
const status = (over: Partial<ReplicaStatus>) => ReplicaStatus.fromPartial(over);

describe('replicaStatusFor', () => {
  it.each([
    {
      name: 'the worked example: becoming ready publishes the endpoint and stamps readyTime',
      run: run({ phase: 'ready', restarts: 1, reason: 'Ready' }),
      previous: status({ phase: ReplicaPhase.REPLICA_PHASE_STARTING }),
      want: { phase: ReplicaPhase.REPLICA_PHASE_READY, endpoint: '10.0.0.5:20417', restarts: 1, reason: '', message: '', readyTime: NOW },
    },
    {
      name: 'staying ready keeps the first readyTime',
      run: run({ phase: 'ready', reason: 'Ready' }),
      previous: status({ phase: ReplicaPhase.REPLICA_PHASE_READY, readyTime: EARLIER }),
      want: { phase: ReplicaPhase.REPLICA_PHASE_READY, endpoint: '10.0.0.5:20417', restarts: 0, reason: '', message: '', readyTime: EARLIER },
    },
    {
      name: 'a new run before its port is known has no endpoint',
      run: run({ port: 0, reason: 'Starting' }),
      previous: status({ phase: ReplicaPhase.REPLICA_PHASE_BOUND }),
      want: { phase: ReplicaPhase.REPLICA_PHASE_STARTING, endpoint: '', restarts: 0, reason: 'Starting', message: '', readyTime: undefined },
    },
    {
      name: 'a crash is STARTING (restart pending, not FAILED) with why, and clears readyTime',
      run: run({ phase: 'backoff', restarts: 2, reason: 'Crashed', message: 'exited with code 1; restarting in 4 s' }),
      previous: status({ phase: ReplicaPhase.REPLICA_PHASE_READY, readyTime: EARLIER }),
      want: { phase: ReplicaPhase.REPLICA_PHASE_STARTING, endpoint: '10.0.0.5:20417', restarts: 2, reason: 'Crashed', message: 'exited with code 1; restarting in 4 s', readyTime: undefined },
    },
    {
      name: 'failing readiness after being ready goes back to STARTING',
      run: run({ reason: 'ReadinessProbeFailed', message: 'GET /healthz: HTTP 503' }),
      previous: status({ phase: ReplicaPhase.REPLICA_PHASE_READY, readyTime: EARLIER }),
      want: { phase: ReplicaPhase.REPLICA_PHASE_STARTING, endpoint: '10.0.0.5:20417', restarts: 0, reason: 'ReadinessProbeFailed', message: 'GET /healthz: HTTP 503', readyTime: undefined },
    },
    {
      name: 'a template that cannot run at all is FAILED',
      run: run({ phase: 'stopped', port: 0, reason: 'NoCommand', message: 'the template has no command' }),
      previous: undefined,
      want: { phase: ReplicaPhase.REPLICA_PHASE_FAILED, endpoint: '', restarts: 0, reason: 'NoCommand', message: 'the template has no command', readyTime: undefined },
    },
    {
      name: 'stopping is TERMINATING',
      run: run({ phase: 'stopping', reason: 'Stopping' }),
      previous: status({ phase: ReplicaPhase.REPLICA_PHASE_READY, readyTime: EARLIER }),
      want: { phase: ReplicaPhase.REPLICA_PHASE_TERMINATING, endpoint: '10.0.0.5:20417', restarts: 0, reason: 'Stopping', message: '', readyTime: undefined },
    },
  ])('$name', ({ run, previous, want }) => {
    expect(replicaStatusFor(run, previous, '10.0.0.5', NOW)).toEqual({ ...want, conditions: [] });
  });

  it('keeps conditions others wrote', () => {
    const conditions = [{ type: 'Evicted', status: 'True', reason: 'NodeLost', message: '', lastTransitionTime: EARLIER }];
    expect(replicaStatusFor(run({}), status({ conditions }), 'h', NOW).conditions).toEqual(conditions);
  });
});

describe('sameStatus', () => {
  const ready = replicaStatusFor(run({ phase: 'ready' }), undefined, 'h', NOW);
  it.each([
    { name: 'nothing stored yet', current: undefined, want: false },
    { name: 'identical', current: { ...ready }, want: true },
    { name: 'another restart count', current: { ...ready, restarts: 3 }, want: false },
    { name: 'another endpoint', current: { ...ready, endpoint: 'h:1' }, want: false },
    { name: 'another readyTime', current: { ...ready, readyTime: EARLIER }, want: false },
    { name: 'conditions only', current: { ...ready, conditions: [{ type: 'X', status: 'True', reason: '', message: '', lastTransitionTime: undefined }] }, want: true },
  ])('$name -> $want', ({ current, want }) => {
    expect(sameStatus(current, ready)).toBe(want);
  });
});

describe('isBoundTo and joinHostPort', () => {
  it('matches cell and node', () => {
    const r = Replica.fromPartial({ spec: { cell: 'c1', node: 'n1' } });
    expect(isBoundTo(r, 'c1', 'n1')).toBe(true);
    expect(isBoundTo(r, 'c2', 'n1')).toBe(false);
    expect(isBoundTo(r, 'c1', 'n2')).toBe(false);
    expect(isBoundTo(undefined, 'c1', 'n1')).toBe(false);
  });

  it.each([
    { host: '10.0.0.5', port: 80, want: '10.0.0.5:80' },
    { host: '::1', port: 8000, want: '[::1]:8000' },
  ])('$host $port -> $want', ({ host, port, want }) => {
    expect(joinHostPort(host, port)).toBe(want);
  });
});
