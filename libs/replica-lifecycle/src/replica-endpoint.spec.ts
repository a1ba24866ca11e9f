import { Replica, ReplicaPhase } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { endpointChange, endpointOf } from './replica-endpoint';

const replica = (phase: ReplicaPhase, endpoint: string, deletionTime?: string) =>
  Replica.fromPartial({ metadata: { name: 'r1', deletionTime }, spec: { deployment: 'd', revision: 2, cell: 'c1', node: 'n1' }, status: { phase, endpoint } });

const ep = { replica: 'r1', address: '10.0.0.1:8080', revision: 2, cell: 'c1', node: 'n1' };

describe('endpointOf', () => {
  it.each([
    { name: 'ready with an address', r: replica(ReplicaPhase.REPLICA_PHASE_READY, '10.0.0.1:8080'), want: ep },
    { name: 'ready without an address', r: replica(ReplicaPhase.REPLICA_PHASE_READY, ''), want: undefined },
    { name: 'starting', r: replica(ReplicaPhase.REPLICA_PHASE_STARTING, '10.0.0.1:8080'), want: undefined },
    { name: 'terminating', r: replica(ReplicaPhase.REPLICA_PHASE_TERMINATING, '10.0.0.1:8080'), want: undefined },
    { name: 'ready but being deleted', r: replica(ReplicaPhase.REPLICA_PHASE_READY, '10.0.0.1:8080', '2025-01-01T00:00:00Z'), want: undefined },
  ])('$name', ({ r, want }) => {
    expect(endpointOf(r)).toEqual(want);
  });
});

describe('endpointChange', () => {
  const moved = { ...ep, address: '10.0.0.2:8080' };
  it.each([
    { name: 'appears', before: undefined, after: ep, added: [ep], removed: [] },
    { name: 'disappears', before: ep, after: undefined, added: [], removed: [ep] },
    { name: 'moves', before: ep, after: moved, added: [moved], removed: [ep] },
    { name: 'stays', before: ep, after: { ...ep }, added: [], removed: [] },
    { name: 'never serves', before: undefined, after: undefined, added: [], removed: [] },
  ])('$name', ({ before, after, added, removed }) => {
    expect(endpointChange(before, after)).toEqual({ added, removed });
  });
});
