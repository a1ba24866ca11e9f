import { Replica, ReplicaPhase } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { demandingReplicas } from './replica-demand';

const T = '2025-01-01T00:00:00.000Z';
const replica = (name: string, o: { cell?: string; node?: string; deletionTime?: string; phase?: ReplicaPhase }) =>
  Replica.fromPartial({ metadata: { name, deletionTime: o.deletionTime }, spec: { deployment: 'web', cell: o.cell ?? '', node: o.node ?? '' }, status: { phase: o.phase ?? ReplicaPhase.REPLICA_PHASE_PENDING } });

describe('demandingReplicas', () => {
  // Mirrors the example in replica-demand.ts.
  it.each([
    { name: 'r1 Pending, no cell', r: replica('r1', {}), kept: true },
    { name: 'r2 retired, placed, no node', r: replica('r2', { cell: 'c1', deletionTime: T }), kept: false },
    { name: 'r3 retired, on node n1', r: replica('r3', { cell: 'c1', node: 'n1', deletionTime: T, phase: ReplicaPhase.REPLICA_PHASE_TERMINATING }), kept: true },
    { name: 'Failed on n1, not retired', r: replica('r4', { cell: 'c1', node: 'n1', phase: ReplicaPhase.REPLICA_PHASE_FAILED }), kept: true },
  ])('$name -> kept $kept', ({ r, kept }) => {
    expect(demandingReplicas([r])).toEqual(kept ? [r] : []);
  });
});
