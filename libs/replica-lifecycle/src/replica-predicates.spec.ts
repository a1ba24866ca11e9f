import { Replica, ReplicaPhase } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { awaitsCell, awaitsNode, inEndpointSet, isBound, isLive, isLost, isReady, isRetired, isRetiring } from './replica-predicates';

const P = ReplicaPhase;
const T = '2025-01-01T00:00:01.000Z';

/** A replica of deployment web in `phase`, placed in c1 and bound to n1 unless told otherwise. */
const replica = (phase: ReplicaPhase, o: { cell?: string; node?: string; reason?: string; deletionTime?: string } = {}) =>
  Replica.fromPartial({
    metadata: { name: 'web-1', deletionTime: o.deletionTime },
    spec: { deployment: 'web', cell: o.cell ?? 'c1', node: o.node ?? 'n1' },
    status: { phase, reason: o.reason ?? '', endpoint: phase === P.REPLICA_PHASE_READY ? '10.0.0.5:8000' : '' },
  });

type Row = { name: string; r: Replica; retired?: true; retiring?: true; lost?: true; live?: true; ready?: true; endpoint?: true; cell?: true; node?: true; bound?: true };

describe('replica predicates', () => {
  // Mirrors the worked example in replica-predicates.ts, row by row.
  it.each<Row>([
    { name: 'Pending, no cell', r: replica(P.REPLICA_PHASE_PENDING, { cell: '', node: '' }), live: true, cell: true },
    { name: 'Pending in c1, no node', r: replica(P.REPLICA_PHASE_PENDING, { node: '' }), live: true, node: true },
    { name: 'Bound on c1/n1', r: replica(P.REPLICA_PHASE_BOUND), live: true, bound: true },
    { name: 'Ready on c1/n1', r: replica(P.REPLICA_PHASE_READY), live: true, ready: true, endpoint: true, bound: true },
    { name: 'Starting, Crashed (restarting)', r: replica(P.REPLICA_PHASE_STARTING, { reason: 'Crashed' }), live: true, bound: true },
    { name: 'Failed, NoCommand', r: replica(P.REPLICA_PHASE_FAILED, { reason: 'NoCommand' }), lost: true, bound: true },
    { name: 'Failed, NodeLost', r: replica(P.REPLICA_PHASE_FAILED, { reason: 'NodeLost' }), lost: true, bound: true },
    { name: 'retired (deletionTime + Terminating)', r: replica(P.REPLICA_PHASE_TERMINATING, { deletionTime: T }), retired: true, retiring: true, bound: true },
    { name: 'retired, phase still Ready', r: replica(P.REPLICA_PHASE_READY, { deletionTime: T }), retired: true, retiring: true, ready: true, bound: true },
    { name: 'Terminating without deletionTime', r: replica(P.REPLICA_PHASE_TERMINATING), retiring: true, bound: true },
    { name: 'retired, Pending without a node', r: replica(P.REPLICA_PHASE_PENDING, { node: '', deletionTime: T }), retired: true, retiring: true, lost: true },
    { name: 'retired, then Failed NodeLost', r: replica(P.REPLICA_PHASE_FAILED, { reason: 'NodeLost', deletionTime: T }), retired: true, retiring: true, lost: true, bound: true },
    // Not in the example: a retired replica waits for no cell either, Failed is lost even unbound, and a phase not reported yet waits like Pending.
    { name: 'retired, Pending without a cell', r: replica(P.REPLICA_PHASE_PENDING, { cell: '', node: '', deletionTime: T }), retired: true, retiring: true, lost: true },
    { name: 'Failed, never bound', r: replica(P.REPLICA_PHASE_FAILED, { cell: '', node: '' }), lost: true },
    { name: 'no phase yet, no cell', r: replica(P.REPLICA_PHASE_UNSPECIFIED, { cell: '', node: '' }), live: true, cell: true },
  ])('$name', ({ r, ...want }) => {
    const got = {
      retired: isRetired(r),
      retiring: isRetiring(r),
      lost: isLost(r),
      live: isLive(r),
      ready: isReady(r),
      endpoint: inEndpointSet(r),
      cell: awaitsCell(r),
      node: awaitsNode(r),
      bound: isBound(r),
    };
    expect(got).toEqual(Object.fromEntries(Object.keys(got).map((k) => [k, !!want[k as keyof typeof want]])));
  });
});
