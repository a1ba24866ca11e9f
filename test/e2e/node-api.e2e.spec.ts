/**
 * The node API end to end, against a real control-plane process: joining with bootstrap tokens
 * (single use, expiry, pool), node credentials, and the node authorizer (a node reaches only its
 * own Node, lease and replicas; another node's object and one that does not exist answer the
 * same PERMISSION_DENIED). The test holds the control plane's election itself, so the process
 * under test never leads and runs no controller: every replica serves the node API, not only
 * the leader, and nothing but the test and the gateway writes.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata, status, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import {
  AssignmentEventType,
  NodeFacts,
  NodePhase,
  NodeServiceClient,
  Replica,
  ReplicaPhase,
  StoredBootstrapToken,
  Tier,
  JoinRequest,
  RegisterRequest,
  ReleaseReplicaRequest,
  ReportStatusRequest,
  type AssignmentEvent,
  type JoinResponse,
  type KeepAliveRequest,
  type KeepAliveResponse,
  type RegisterResponse,
  type ReleaseReplicaResponse,
  type RenewCredentialResponse,
  type ReportStatusResponse,
} from '@helios/api';
import { freePort } from '@helios/etcd-process';
import { launchComponent, Teardown, waitFor } from '@helios/launcher';
import { hashSecret } from '@helios/node-gateway';
import { connectOperator, type OperatorApi } from '@helios/operator-client';
import { connectEtcd, Keys, LeaderElection, ResourceStore, type Etcd3 } from '@helios/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../apps/cli/src/testing/run-cli';

const endpoint = inject('etcdEndpoint');
const root = `/e2e/${randomUUID()}/helios/v1`;
const keys = new Keys(root);
const teardown = new Teardown(() => undefined);
let etcd: Etcd3;
let store: ResourceStore;
let operator: OperatorApi;
let nodes: NodeServiceClient;
let grpcAddr: string;
/** A second control-plane replica: the node API is stateless across replicas. */
let otherNodes: NodeServiceClient;

beforeAll(async () => {
  const logDir = mkdtempSync(join(tmpdir(), 'helios-e2e-node-api-'));
  etcd = connectEtcd(endpoint);
  teardown.add('closing the etcd client', () => etcd.close());
  store = new ResourceStore(etcd, keys);
  // Held by the test: the control plane stands by, serving the APIs without controllers.
  const election = new LeaderElection(etcd, keys, 'control-plane', 'node-api-test', { ttl: 5 });
  await election.campaign();
  teardown.add('resigning the test election', () => election.resign());

  grpcAddr = `127.0.0.1:${await freePort()}`;
  const metricsAddr = `127.0.0.1:${await freePort()}`;
  const controlPlane = launchComponent({
    name: 'control-plane',
    entry: 'apps/control-plane/src/main.ts',
    args: ['--etcd', endpoint, '--root', root, '--grpc-addr', grpcAddr, '--metrics-addr', metricsAddr],
    env: { HELIOS_LOG_FORMAT: 'json' },
    logFile: join(logDir, 'control-plane.log'),
  });
  teardown.add('stopping the control plane', () => controlPlane.stop('SIGTERM', 10_000));
  const otherAddr = `127.0.0.1:${await freePort()}`;
  const other = launchComponent({
    name: 'control-plane-2',
    entry: 'apps/control-plane/src/main.ts',
    args: ['--etcd', endpoint, '--root', root, '--grpc-addr', otherAddr, '--metrics-addr', `127.0.0.1:${await freePort()}`],
    env: { HELIOS_LOG_FORMAT: 'json' },
    logFile: join(logDir, 'control-plane-2.log'),
  });
  teardown.add('stopping the second control plane', () => other.stop('SIGTERM', 10_000));
  otherNodes = new NodeServiceClient(otherAddr, credentials.createInsecure());
  teardown.add('closing the second node client', () => otherNodes.close());
  operator = connectOperator(grpcAddr, { timeoutMs: 5_000 });
  teardown.add('closing the operator client', () => operator.close());
  nodes = new NodeServiceClient(grpcAddr, credentials.createInsecure());
  teardown.add('closing the node client', () => nodes.close());
  await waitFor(`the control plane to serve (logs: ${logDir})`, () => operator.listBootstrapTokens({ cell: '' }).then(() => true, () => false), 30_000, 100);
  await waitFor(`the second control plane to serve (logs: ${logDir})`, () => new Promise<boolean>((resolve) => otherNodes.renewCredential({}, (err) => resolve(err?.code === status.UNAUTHENTICATED))), 30_000, 100);
}, 60_000);

afterAll(() => teardown.run(), 60_000);

/** A host's facts: one healthy H100 in pool gpu-a. */
const facts = (name: string, pool = 'gpu-a') =>
  NodeFacts.fromPartial({ name, pool, tier: Tier.TIER_ON_DEMAND, gpuType: 'h100', gpus: [{ index: 0, uuid: `GPU-${name}-0`, model: 'H100', healthy: true }], address: '127.0.0.1' });

type Unary<Req, Res> = (request: Req, metadata: Metadata, callback: (error: ServiceError | null, response: Res) => void) => unknown;

/** One unary NodeService call, with `credential` as its bearer metadata when given. */
function call<Req, Res>(method: Unary<Req, Res>, request: Req, credential?: string): Promise<Res> {
  const metadata = new Metadata();
  if (credential !== undefined) metadata.set('authorization', `Bearer ${credential}`);
  return new Promise((resolve, reject) => method.call(nodes, request, metadata, (error, response) => (error ? reject(error) : resolve(response))));
}

/** The status and message a call failed with. */
async function failure(promise: Promise<unknown>): Promise<{ code: status; details: string }> {
  try {
    await promise;
  } catch (err) {
    return { code: (err as ServiceError).code, details: (err as ServiceError).details };
  }
  throw new Error('expected the call to fail');
}

/** The NodeService, promise-shaped: each method builds its request with fromPartial. */
const api = {
  join: (request: Parameters<typeof JoinRequest.fromPartial>[0]) => call<JoinRequest, JoinResponse>(nodes.join, JoinRequest.fromPartial(request)),
  register: (request: Parameters<typeof RegisterRequest.fromPartial>[0], credential?: string) =>
    call<RegisterRequest, RegisterResponse>(nodes.register, RegisterRequest.fromPartial(request), credential),
  reportStatus: (request: Parameters<typeof ReportStatusRequest.fromPartial>[0], credential?: string) =>
    call<ReportStatusRequest, ReportStatusResponse>(nodes.reportStatus, ReportStatusRequest.fromPartial(request), credential),
  releaseReplica: (request: Parameters<typeof ReleaseReplicaRequest.fromPartial>[0], credential?: string) =>
    call<ReleaseReplicaRequest, ReleaseReplicaResponse>(nodes.releaseReplica, ReleaseReplicaRequest.fromPartial(request), credential),
  renewCredential: (credential?: string) => call<object, RenewCredentialResponse>(nodes.renewCredential, {}, credential),
};

async function token(options: { pool?: string; uses?: number } = {}): Promise<string> {
  const created = await operator.createBootstrapToken({ cell: 'c1', pool: options.pool ?? '', uses: options.uses ?? 0, ttlSeconds: 0, description: 'node-api e2e' });
  return created.token;
}

async function joinNode(name: string, pool = 'gpu-a'): Promise<JoinResponse> {
  return api.join({ token: await token(), node: facts(name, pool) });
}

/** A KeepAlive stream (to the first replica, or `client`): each renew() writes one keep-alive and resolves with the next answer, or rejects with the stream's end. */
function keepAliveStream(credential: string, client: NodeServiceClient = nodes) {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${credential}`);
  const stream: ClientDuplexStream<KeepAliveRequest, KeepAliveResponse> = client.keepAlive(metadata);
  const waiting: { resolve: (answer: KeepAliveResponse) => void; reject: (err: ServiceError) => void }[] = [];
  let ended: ServiceError | undefined;
  stream.on('data', (answer: KeepAliveResponse) => waiting.shift()?.resolve(answer));
  stream.on('error', (err: ServiceError) => {
    ended = err;
    for (const w of waiting.splice(0)) w.reject(err);
  });
  return {
    renew(leaseId: string): Promise<KeepAliveResponse> {
      if (ended) return Promise.reject(ended);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        stream.write({ leaseId });
      });
    },
    close: () => stream.cancel(),
  };
}

async function createReplica(deployment: string, name: string, node: string, extra: Partial<Replica> = {}): Promise<Replica> {
  return store.create(
    'replica',
    Replica.fromPartial({
      metadata: { name, uid: randomUUID() },
      spec: { deployment, revision: 1, cell: 'c1', node, tier: Tier.TIER_ON_DEMAND, gpuIndices: [0] },
      status: { phase: ReplicaPhase.REPLICA_PHASE_BOUND },
      ...extra,
    }),
  );
}

describe('Join', () => {
  it('trades a token for a credential and registers the node Ready, its heartbeat on the granted lease', async () => {
    const joined = await joinNode('join-a');
    expect([joined.cell, joined.node]).toEqual(['c1', 'join-a']);
    expect(joined.credential).toMatch(/^hn1\./);
    const registration = joined.registration!;
    expect(registration.leaseTtlSeconds).toBe(5);
    const node = await store.get('node', 'join-a', 'c1');
    expect(node?.status?.phase).toBe(NodePhase.NODE_PHASE_READY);
    expect(node?.status?.leaseId).toBe(registration.leaseId);
    expect(node?.metadata?.labels['helios.io/pool']).toBe('gpu-a');
    expect([node?.spec?.gpus, node?.status?.allocatableGpus]).toEqual([1, 1]);
    const heartbeat = (await etcd.get(keys.heartbeat('c1', 'join-a')).exec()).kvs[0];
    expect(heartbeat?.value.toString()).toBe('join-a');
    expect(heartbeat?.lease).toBe(registration.leaseId);
  });

  it('refuses a single-use token the second time, and writes nothing for the second node', async () => {
    const once = await token();
    await api.join({ token: once, node: facts('replay-a') });
    const replayed = await failure(api.join({ token: once, node: facts('replay-b') }));
    expect(replayed.code).toBe(status.UNAUTHENTICATED);
    expect(replayed.details).toBe(`bootstrap token ${once.split('.')[0]} is not valid: unknown, used up, or its secret does not match`);
    expect(await store.get('node', 'replay-b', 'c1')).toBeUndefined();
    expect((await etcd.get(keys.heartbeat('c1', 'replay-b')).exec()).kvs).toHaveLength(0);
  });

  it('lets exactly one of two concurrent joins use a single-use token', async () => {
    const once = await token();
    const results = await Promise.allSettled([api.join({ token: once, node: facts('race-a') }), api.join({ token: once, node: facts('race-b') })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.code).toBe(status.UNAUTHENTICATED);
  });

  it('refuses an expired token, naming its expiry', async () => {
    const expireTime = new Date(Date.now() - 60_000).toISOString();
    const stored = StoredBootstrapToken.fromPartial({
      token: { id: 'exp001', cell: 'c1', usesLeft: 1, expireTime, createTime: new Date(Date.now() - 3_600_000).toISOString() },
      secretSha256: hashSecret('expiredsecret000'),
    });
    await etcd.put(keys.token('exp001')).value(Buffer.from(StoredBootstrapToken.encode(stored).finish())).exec();
    const refused = await failure(api.join({ token: 'exp001.expiredsecret000', node: facts('expired-a') }));
    expect(refused).toEqual({ code: status.UNAUTHENTICATED, details: `bootstrap token exp001 expired at ${expireTime}` });
    expect(await store.get('node', 'expired-a', 'c1')).toBeUndefined();
  });

  it('refuses a token of another pool, naming both pools', async () => {
    const forPoolA = await token({ pool: 'gpu-a' });
    const refused = await failure(api.join({ token: forPoolA, node: facts('pool-b', 'gpu-b') }));
    expect(refused.code).toBe(status.UNAUTHENTICATED);
    expect(refused.details).toBe(`bootstrap token ${forPoolA.split('.')[0]} is for pool gpu-a of cell c1; node pool-b names pool gpu-b`);
    // The refusal used nothing up: the right pool still joins.
    await api.join({ token: forPoolA, node: facts('pool-a', 'gpu-a') });
  });

  it('refuses a malformed token and invalid facts, naming the field', async () => {
    expect((await failure(api.join({ token: 'nope', node: facts('bad-a') }))).code).toBe(status.UNAUTHENTICATED);
    const bad = facts('bad-b');
    bad.gpus.push({ index: 0, uuid: 'GPU-dup', model: 'H100', memoryMib: 0, healthy: true });
    const invalid = await failure(api.join({ token: await token(), node: bad }));
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
    expect(invalid.details).toContain('node.gpus[1].index: GPU 0 is listed twice');
  });
});

describe('credentials', () => {
  it('refuses a call without a credential, with a forged one and with a tampered one', async () => {
    const joined = await joinNode('cred-a');
    const [body, , signature] = joined.credential.split('.');
    const claims = Buffer.from(JSON.stringify({ c: 'c1', n: 'cred-b', p: '', e: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url');
    for (const credential of [undefined, 'garbage', `${body}.${claims}.${signature}`]) {
      const refused = await failure(api.renewCredential(credential));
      expect(refused.code, `credential ${credential}`).toBe(status.UNAUTHENTICATED);
    }
    const renewed = await api.renewCredential(joined.credential);
    expect(renewed.credential).toMatch(/^hn1\./);
  });
});

describe('the node authorizer', () => {
  it('denies writing the status of, or releasing, another node\'s replica and one that does not exist, alike', async () => {
    const a = await joinNode('authz-a');
    await joinNode('authz-b');
    const theirs = await createReplica('chat', 'chat-b1', 'authz-b');
    const report = (name: string, uid: string) => ({ replicas: [{ deployment: 'chat', name, uid, status: { phase: ReplicaPhase.REPLICA_PHASE_READY, endpoint: '127.0.0.1:1', restarts: 0, reason: '', message: '', readyTime: undefined, conditions: [] } }] });

    const other = await failure(api.reportStatus(report('chat-b1', theirs.metadata!.uid), a.credential));
    const missing = await failure(api.reportStatus(report('chat-none', randomUUID()), a.credential));
    expect(other).toEqual({ code: status.PERMISSION_DENIED, details: 'node c1/authz-a may not write the status of replica chat/chat-b1: it is not bound to this node' });
    expect(missing).toEqual({ code: status.PERMISSION_DENIED, details: 'node c1/authz-a may not write the status of replica chat/chat-none: it is not bound to this node' });
    expect((await store.get('replica', 'chat-b1', 'chat'))?.status?.phase).toBe(ReplicaPhase.REPLICA_PHASE_BOUND);

    const release = (name: string) => api.releaseReplica({ deployment: 'chat', name, uid: theirs.metadata!.uid }, a.credential);
    expect(await failure(release('chat-b1'))).toEqual({ code: status.PERMISSION_DENIED, details: 'node c1/authz-a may not delete replica chat/chat-b1: it is not bound to this node' });
    expect(await failure(release('chat-none'))).toEqual({ code: status.PERMISSION_DENIED, details: 'node c1/authz-a may not delete replica chat/chat-none: it is not bound to this node' });
    expect(await store.get('replica', 'chat-b1', 'chat')).toBeDefined();
  });

  it('denies keeping another node\'s lease alive, and a lease that does not exist, alike', async () => {
    const a = await joinNode('lease-a');
    const b = await joinNode('lease-b');
    for (const leaseId of [b.registration!.leaseId, '1234567']) {
      const stream = keepAliveStream(a.credential);
      const denied = await failure(stream.renew(leaseId));
      expect(denied).toEqual({ code: status.PERMISSION_DENIED, details: `node c1/lease-a may not keep lease ${leaseId} alive: it is not this node's current lease (Register for a new one)` });
      stream.close();
    }
  });

  it('denies registering under another name', async () => {
    const a = await joinNode('reg-a');
    const denied = await failure(api.register({ node: facts('reg-b') }, a.credential));
    expect(denied).toEqual({ code: status.PERMISSION_DENIED, details: 'node c1/reg-a may not register as node reg-b: its credential is for reg-a' });
  });
});

describe('KeepAlive', () => {
  it('forwards each keep-alive to etcd and answers TTL 0 once the lease is revoked', async () => {
    const joined = await joinNode('ka-a');
    const leaseId = joined.registration!.leaseId;
    const stream = keepAliveStream(joined.credential);
    const alive = await stream.renew(leaseId);
    expect(alive.leaseId).toBe(leaseId);
    expect(alive.ttlSeconds).toBeGreaterThan(0);
    await etcd.leaseClient.leaseRevoke({ ID: leaseId });
    expect((await stream.renew(leaseId)).ttlSeconds).toBe(0);
    stream.close();

    // Registering again gives a new lease, with the heartbeat on it.
    const again = await api.register({ node: facts('ka-a') }, joined.credential);
    expect(again.registration!.leaseId).not.toBe(leaseId);
    expect((await etcd.get(keys.heartbeat('c1', 'ka-a')).exec()).kvs[0]?.lease).toBe(again.registration!.leaseId);
  });
});

describe('two control-plane replicas', () => {
  it('accept each other\'s credentials and keep a lease alive that the other granted; a closed stream revokes nothing', async () => {
    const joined = await joinNode('ha-a');
    const leaseId = joined.registration!.leaseId;
    const first = keepAliveStream(joined.credential);
    expect((await first.renew(leaseId)).ttlSeconds).toBeGreaterThan(0);
    first.close();
    const second = keepAliveStream(joined.credential, otherNodes);
    expect((await second.renew(leaseId)).ttlSeconds).toBeGreaterThan(0);
    second.close();
    expect((await etcd.get(keys.heartbeat('c1', 'ha-a')).exec()).kvs[0]?.lease).toBe(leaseId);
  });
});

describe('ReportStatus', () => {
  it('writes its own replica\'s status, and skips a retired replica unless the report says Terminating', async () => {
    const joined = await joinNode('rs-a');
    const mine = await createReplica('svc', 'svc-a1', 'rs-a');
    const retired = await createReplica('svc', 'svc-a2', 'rs-a', { metadata: { name: 'svc-a2', uid: randomUUID(), deletionTime: new Date().toISOString() } as Replica['metadata'] });
    const status = (phase: ReplicaPhase) => ({ phase, endpoint: '127.0.0.1:9000', restarts: 0, reason: '', message: '', readyTime: undefined, conditions: [] });
    const answer = await api.reportStatus(
      {
        nodeStatus: { phase: 0, gpus: [{ index: 0, uuid: 'GPU-rs-a-0', model: 'H100', memoryMib: 0, healthy: false }], allocatableGpus: 0, conditions: [], address: '10.0.0.9', reason: '', lastTransitionTime: undefined, leaseId: '', preemptionTime: undefined },
        replicas: [
          { deployment: 'svc', name: 'svc-a1', uid: mine.metadata!.uid, status: status(ReplicaPhase.REPLICA_PHASE_READY) },
          { deployment: 'svc', name: 'svc-a2', uid: retired.metadata!.uid, status: status(ReplicaPhase.REPLICA_PHASE_READY) },
        ],
      },
      joined.credential,
    );
    expect(answer.skipped).toEqual(['svc/svc-a2']);
    expect((await store.get('replica', 'svc-a1', 'svc'))?.status?.phase).toBe(ReplicaPhase.REPLICA_PHASE_READY);
    expect((await store.get('replica', 'svc-a2', 'svc'))?.status?.phase).toBe(ReplicaPhase.REPLICA_PHASE_BOUND);
    const node = await store.get('node', 'rs-a', 'c1');
    expect([node?.status?.address, node?.status?.allocatableGpus, node?.status?.phase, node?.status?.leaseId]).toEqual(['10.0.0.9', 0, NodePhase.NODE_PHASE_READY, joined.registration!.leaseId]);

    const terminating = await api.reportStatus(
      { replicas: [{ deployment: 'svc', name: 'svc-a2', uid: retired.metadata!.uid, status: status(ReplicaPhase.REPLICA_PHASE_TERMINATING) }] },
      joined.credential,
    );
    expect(terminating.skipped).toEqual([]);
    expect((await store.get('replica', 'svc-a2', 'svc'))?.status?.phase).toBe(ReplicaPhase.REPLICA_PHASE_TERMINATING);
    // Stopped for good: released, the retired replica is deleted.
    expect(await api.releaseReplica({ deployment: 'svc', name: 'svc-a2', uid: retired.metadata!.uid }, joined.credential)).toEqual({ deleted: true });
    expect(await store.get('replica', 'svc-a2', 'svc')).toBeUndefined();
    expect(await api.releaseReplica({ deployment: 'svc', name: 'svc-a1', uid: mine.metadata!.uid }, joined.credential)).toEqual({ deleted: false });
  });
});

describe('WatchAssignments', () => {
  it('delivers the node\'s replicas only: the current set, SYNCED, then changes; a replica moved away as DELETED', async () => {
    const joined = await joinNode('watch-a');
    await joinNode('watch-b');
    await createReplica('llm', 'llm-a1', 'watch-a');
    await createReplica('llm', 'llm-b1', 'watch-b');
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${joined.credential}`);
    const events: string[] = [];
    const stream = nodes.watchAssignments({}, metadata);
    stream.on('data', (event: AssignmentEvent) => events.push(`${AssignmentEventType[event.type]} ${event.replica?.metadata?.name ?? ''}`.trim()));
    stream.on('error', () => undefined);
    await waitFor('the initial set', () => events.includes('ASSIGNMENT_EVENT_TYPE_SYNCED'));
    await createReplica('llm', 'llm-b2', 'watch-b');
    await createReplica('llm', 'llm-a2', 'watch-a');
    const moved = (await store.get('replica', 'llm-a1', 'llm'))!;
    await store.update('replica', { ...moved, spec: { ...moved.spec!, node: 'watch-b' } });
    await waitFor('the move away', () => events.includes('ASSIGNMENT_EVENT_TYPE_DELETED llm-a1'));
    stream.cancel();
    expect(events).toEqual(['ASSIGNMENT_EVENT_TYPE_ADDED llm-a1', 'ASSIGNMENT_EVENT_TYPE_SYNCED', 'ASSIGNMENT_EVENT_TYPE_ADDED llm-a2', 'ASSIGNMENT_EVENT_TYPE_DELETED llm-a1']);
  });
});

describe('helios token', () => {
  it('makes a token a node joins with, lists it without its secret, and refuses bounds the server checks', async () => {
    const env = { HELIOS_SERVER: grpcAddr };
    const created = await runCli(['token', 'create', '--cell', 'c1', '--pool', 'gpu-a', '--uses', '2', '--ttl', '10m', '--description', 'cli e2e'], { env });
    expect(created.code).toBe(0);
    const text = created.stdout.trim();
    const [id, secret] = text.split('.');
    expect(text).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const listed = await runCli(['token', 'list', '--cell', 'c1'], { env });
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+c1\\s+gpu-a\\s+2\\s+(9m\\d+s|10m)\\s+cli e2e`));
    expect(listed.stdout).not.toContain(secret);
    expect((await api.join({ token: text, node: facts('cli-a') })).cell).toBe('c1');
    expect(await runCli(['token', 'create', '--cell', 'c1', '--ttl', '200h'], { env })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: bootstrap token: ttlSeconds: must be an integer from 60 to 604800, got 720000\n',
    });
    expect(await runCli(['token', 'delete', id!], { env })).toEqual({ code: 0, stdout: `token ${id} deleted\n`, stderr: '' });
    expect((await failure(api.join({ token: text, node: facts('cli-b') }))).code).toBe(status.UNAUTHENTICATED);
  });
});
