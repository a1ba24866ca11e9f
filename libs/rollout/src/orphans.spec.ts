import { Deployment, ReplicaPhase, type Replica } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { splitOrphans } from './orphans';
import { DEPLOYMENT_UID_ANNOTATION } from './replica-facts';
import { names, replica } from './testing/rollout-fixtures';

describe('splitOrphans', () => {
  const owned = (name: string, uid?: string): Replica => {
    const r = replica('v1', 1, ReplicaPhase.REPLICA_PHASE_READY, { name });
    const annotations: Record<string, string> = uid ? { [DEPLOYMENT_UID_ANNOTATION]: uid } : {};
    return { ...r, metadata: { ...r.metadata!, annotations } };
  };
  const replicas = [owned('a', 'u1'), owned('b', 'u2'), owned('c')];

  // Mirrors the example in orphans.ts.
  it.each([
    { name: 'deployment with uid u2', deployment: Deployment.fromPartial({ metadata: { name: 'web', uid: 'u2' } }), owned: ['b', 'c'], orphans: ['a'] },
    { name: 'deployment deleted', deployment: undefined, owned: ['c'], orphans: ['a', 'b'] },
  ])('$name', ({ deployment, owned: wantOwned, orphans }) => {
    const split = splitOrphans(deployment, replicas);
    expect([names(split.owned), names(split.orphans)]).toEqual([wantOwned, orphans]);
  });
});
