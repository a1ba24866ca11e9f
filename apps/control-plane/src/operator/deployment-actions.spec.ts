import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { Deployment, Kind, Replica, ReplicaPhase, RolloutAction, unwrap, wrap, type WatchEndpointsResponse } from '@helios/api';
import { waitFor } from '@helios/launcher';
import { connectEtcd, Keys, ResourceStore, type Etcd3 } from '@helios/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningControlPlane } from '../control-plane';
import { bootControlPlane } from '../testing/boot';
import { TestOperatorClient } from '../testing/operator-client';
import { RESTARTED_AT_ANNOTATION } from '@helios/rollout';

const endpoint = inject('etcdEndpoint');
const root = `/t/${randomUUID()}/helios/v1`;
let cp: RunningControlPlane;
let client: TestOperatorClient;
let etcd: Etcd3;
let store: ResourceStore;

beforeAll(async () => {
  cp = await bootControlPlane(endpoint, { root });
  client = new TestOperatorClient(cp.grpcPort);
  etcd = connectEtcd(endpoint);
  store = new ResourceStore(etcd, new Keys(root));
});

afterAll(async () => {
  client?.close();
  await cp?.close();
  etcd?.close();
});

const deployment = (name: string) =>
  wrap('deployment', Deployment.fromPartial({ metadata: { name }, spec: { replicas: 2, template: { command: ['serve'], gpus: 1, gpuType: 'h100' } } }));

async function failure(call: Promise<unknown>): Promise<{ code: status; details: string }> {
  try {
    await call;
  } catch (err) {
    return { code: (err as ServiceError).code, details: (err as ServiceError).details };
  }
  throw new Error('expected the call to fail');
}

describe('Scale', () => {
  it('sets replicas and bumps the generation; validates; NOT_FOUND when absent', async () => {
    await client.apply({ resource: deployment('scale-a') });
    const scaled = await client.scale({ deployment: 'scale-a', replicas: 5 });
    expect([scaled.deployment?.spec?.replicas, scaled.deployment?.metadata?.generation]).toEqual([5, 2]);
    const same = await client.scale({ deployment: 'scale-a', replicas: 5 });
    expect(same.deployment?.metadata?.generation).toBe(2);
    expect(await failure(client.scale({ deployment: 'scale-a', replicas: -1 }))).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'Deployment "scale-a": spec.replicas: must not be negative, got -1',
    });
    expect((await failure(client.scale({ deployment: 'nope', replicas: 1 }))).code).toBe(status.NOT_FOUND);
    expect((await store.get('deployment', 'scale-a'))?.spec?.replicas).toBe(5);
  });
});

describe('Rollout', () => {
  it('pauses, resumes and restarts', async () => {
    await client.apply({ resource: deployment('roll-a') });
    const paused = await client.rollout({ deployment: 'roll-a', action: RolloutAction.ROLLOUT_ACTION_PAUSE });
    expect(paused.deployment?.spec?.paused).toBe(true);
    const resumed = await client.rollout({ deployment: 'roll-a', action: RolloutAction.ROLLOUT_ACTION_RESUME });
    expect(resumed.deployment?.spec?.paused).toBe(false);
    const restarted = await client.rollout({ deployment: 'roll-a', action: RolloutAction.ROLLOUT_ACTION_RESTART });
    expect(Object.keys(restarted.deployment?.spec?.template?.annotations ?? {})).toEqual([RESTARTED_AT_ANNOTATION]);
    expect(restarted.deployment?.metadata?.generation).toBe(4);
  });

  it('undoes to a revision in the history, and refuses one that is not', async () => {
    await client.apply({ resource: deployment('roll-b') });
    // The deployment controller records history in status; here it is written as it would be.
    await store.mutate('deployment', 'roll-b', undefined, (d) => ({
      ...d,
      status: Deployment.fromPartial({ status: { revision: 2, history: [{ revision: 1, template: { command: ['old'] } }, { revision: 2, template: d.spec!.template }] } }).status,
    }));
    const undone = await client.rollout({ deployment: 'roll-b', action: RolloutAction.ROLLOUT_ACTION_UNDO });
    expect(undone.deployment?.spec?.template?.command).toEqual(['old']);
    const missing = await failure(client.rollout({ deployment: 'roll-b', action: RolloutAction.ROLLOUT_ACTION_UNDO, toRevision: 7 }));
    expect(missing.code).toBe(status.FAILED_PRECONDITION);
    const bad = await failure(client.rollout({ deployment: 'roll-b', action: RolloutAction.ROLLOUT_ACTION_UNSPECIFIED }));
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('WatchEndpoints', () => {
  it('sends the Ready endpoints, then each change', async () => {
    const replica = (name: string, phase: ReplicaPhase, address: string) =>
      Replica.fromPartial({ metadata: { name }, spec: { deployment: 'web', revision: 1, cell: 'c1', node: 'n1' }, status: { phase, endpoint: address } });
    await store.create('replica', replica('web-1', ReplicaPhase.REPLICA_PHASE_READY, '127.0.0.1:9001'));
    await store.create('replica', replica('web-2', ReplicaPhase.REPLICA_PHASE_STARTING, ''));

    const stream = client.watchEndpoints('web');
    const messages: WatchEndpointsResponse[] = [];
    stream.on('data', (m: WatchEndpointsResponse) => messages.push(m));
    stream.on('error', () => undefined);
    const summary = () => messages.map((m) => `${m.reset ? 'reset ' : ''}+[${m.added.map((e) => e.address).join(',')}] -[${m.removed.map((e) => e.address).join(',')}]`);
    await waitFor('the snapshot', () => messages.length === 1);

    await store.mutate('replica', 'web-2', 'web', (r) => ({ ...r, status: { ...r.status!, phase: ReplicaPhase.REPLICA_PHASE_READY, endpoint: '127.0.0.1:9002' } }));
    await store.mutate('replica', 'web-1', 'web', (r) => ({ ...r, status: { ...r.status!, phase: ReplicaPhase.REPLICA_PHASE_TERMINATING } }));
    await store.delete('replica', 'web-1', 'web');
    await store.delete('replica', 'web-2', 'web');
    await waitFor('all endpoint changes', () => messages.length === 4);
    expect(summary()).toEqual(['reset +[127.0.0.1:9001] -[]', '+[127.0.0.1:9002] -[]', '+[] -[127.0.0.1:9001]', '+[] -[127.0.0.1:9002]']);
    stream.cancel();
  });
});

describe('Delete of a replica', () => {
  it('retires a replica a node agent runs, and deletes one nobody runs', async () => {
    const replica = (name: string, node: string) =>
      Replica.fromPartial({ metadata: { name }, spec: { deployment: 'solo', cell: node ? 'c1' : '', node }, status: { phase: node ? ReplicaPhase.REPLICA_PHASE_READY : ReplicaPhase.REPLICA_PHASE_PENDING } });
    await store.create('replica', replica('bound', 'n1'));
    await store.create('replica', replica('unbound', ''));

    const retired = unwrap((await client.delete({ kind: Kind.KIND_REPLICA, name: 'bound' })).resource)!.resource as Replica;
    expect(retired.metadata?.deletionTime).toBeDefined();
    const stored = await store.get('replica', 'bound', 'solo');
    expect([stored?.status?.phase, stored?.metadata?.deletionTime]).toEqual([ReplicaPhase.REPLICA_PHASE_TERMINATING, retired.metadata?.deletionTime]);
    // Deleting it again changes nothing: its agent finishes it.
    const again = unwrap((await client.delete({ kind: Kind.KIND_REPLICA, name: 'bound' })).resource)!.resource as Replica;
    expect(again.metadata?.resourceVersion).toBe(stored?.metadata?.resourceVersion);

    await client.delete({ kind: Kind.KIND_REPLICA, name: 'unbound' });
    expect(await store.get('replica', 'unbound', 'solo')).toBeUndefined();
    expect((await failure(client.delete({ kind: Kind.KIND_REPLICA, name: 'bound', parent: 'solo', resourceVersion: 1 }))).code).toBe(status.ABORTED);
  });
});
