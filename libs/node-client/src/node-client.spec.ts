import { status } from '@grpc/grpc-js';
import { NodeFacts, Replica, ReplicaPhase, ReplicaStatus, ReplicaStatusReport, Tier } from '@helios/api';
import { createLogger } from '@helios/config';
import { waitFor } from '@helios/launcher';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeChannels } from './node-channels';
import { NodeClient, NodeClientError, type NodeClientOptions } from './node-client';
import { RegistrationGate } from './registration-gate';
import { FakeControlPlane, type FakeNodeServer } from './testing/fake-node-service';

const logger = createLogger('node-client-test', process.env.T_LOG ?? 'silent');
const facts = (name: string): NodeFacts => NodeFacts.fromPartial({ name, pool: 'h100', tier: Tier.TIER_ON_DEMAND, gpuType: 'h100', address: '127.0.0.1', leaseTtlSeconds: 2 });
const replica = (name: string, uid = `u-${name}`): Replica => Replica.fromPartial({ metadata: { name, uid }, spec: { deployment: 'web', cell: 'c1', node: 'n1' } });
const report = (name: string, phase: ReplicaPhase): ReplicaStatusReport => ReplicaStatusReport.fromPartial({ deployment: 'web', name, uid: `u-${name}`, status: ReplicaStatus.fromPartial({ phase }) });

describe('NodeClient', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function world(servers = 1): Promise<{ plane: FakeControlPlane; servers: FakeNodeServer[] }> {
    const plane = new FakeControlPlane();
    cleanup.push(() => plane.close());
    const started: FakeNodeServer[] = [];
    for (let i = 0; i < servers; i++) started.push(await plane.serve());
    return { plane, servers: started };
  }

  function client(options: Partial<NodeClientOptions> & Pick<NodeClientOptions, 'addresses'>): NodeClient {
    // random 0: the first address first, and no jitter, so each test knows where a node is.
    const c = new NodeClient({ logger, random: () => 0, ...options });
    cleanup.push(() => c.stop());
    return c;
  }

  it('joins once with its token, keeps the credential in its state dir, and a restarted client registers with it', async () => {
    const { plane, servers } = await world();
    const stateDir = mkdtempSync(join(tmpdir(), 'helios-node-client-'));
    const token = plane.issueToken('c1');
    const first = client({ addresses: [servers[0]!.address], token, stateDir });
    const registration = await first.start(facts('n1'));
    expect(first.identity).toEqual({ cell: 'c1', node: 'n1' });
    expect(registration.leaseId).toBe(plane.node('n1')!.leaseId);
    expect(statSync(join(stateDir, 'node.credential')).mode & 0o777).toBe(0o600);
    await first.stop();

    // The token was single-use: the restarted agent gets in only with the stored credential.
    const second = client({ addresses: [servers[0]!.address], token, stateDir });
    await second.start(facts('n1'));
    expect(plane.calls.filter((c) => c.startsWith('join') || c.startsWith('register'))).toEqual(['join n1', 'register n1']);
    expect(second.leaseId).toBe(plane.node('n1')!.leaseId);
  });

  it('refuses to start when the token is refused and it holds no credential', async () => {
    const { servers } = await world();
    const c = client({ addresses: [servers[0]!.address], token: 'abc.wrong' });
    const err = await c.start(facts('n1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeClientError);
    expect((err as NodeClientError).code).toBe(status.UNAUTHENTICATED);
    expect((err as Error).message).toContain('joining for node n1');
  });

  it('keeps its lease alive, and registers again when etcd answers TTL 0', async () => {
    const { plane, servers } = await world();
    const c = client({ addresses: [servers[0]!.address], token: plane.issueToken('c1') });
    const lost: string[] = [];
    c.onLeaseLost((id) => lost.push(id));
    const first = (await c.start(facts('n1'))).leaseId;
    await waitFor('keep-alives to be answered', () => (plane.keepAlives.get('n1') ?? 0) >= 3, 10_000);
    plane.expireLease('n1');
    await waitFor('a new lease', () => (c.leaseId && c.leaseId !== first ? true : undefined), 10_000);
    expect(lost).toEqual([first]);
    expect(c.registrations).toBe(2);
    expect(c.leaseId).toBe(plane.node('n1')!.leaseId);
  });

  it('moves to the next address when its control-plane replica dies, keeping its lease', async () => {
    const { plane, servers } = await world(2);
    const [a, b] = servers as [FakeNodeServer, FakeNodeServer];
    const c = client({ addresses: [a.address, b.address], token: plane.issueToken('c1') });
    const leaseId = (await c.start(facts('n1'))).leaseId;
    await waitFor('keep-alives on the first replica', () => a.served.has('n1') && (plane.keepAlives.get('n1') ?? 0) >= 1, 10_000);
    await a.kill();
    const before = plane.keepAlives.get('n1') ?? 0;
    await waitFor('keep-alives on the second replica', () => b.served.has('n1') && (plane.keepAlives.get('n1') ?? 0) > before, 10_000);
    expect(c.leaseId).toBe(leaseId);
    expect(c.registrations).toBe(1);
    expect(c.address).toBe(b.address);
  });

  it('moves on from a replica that stops answering keep-alives', async () => {
    const { plane, servers } = await world(2);
    const [a, b] = servers as [FakeNodeServer, FakeNodeServer];
    const c = client({ addresses: [a.address, b.address], token: plane.issueToken('c1') });
    await c.start(facts('n1'));
    await waitFor('keep-alives on the first replica', () => (plane.keepAlives.get('n1') ?? 0) >= 1, 10_000);
    a.stalled = true;
    await waitFor('keep-alives on the second replica', () => b.served.has('n1'), 10_000);
    expect(c.registrations).toBe(1);
  });

  it('coalesces status reports: one call in flight, the latest report of each replica, batched', async () => {
    const { plane, servers } = await world();
    const c = client({ addresses: [servers[0]!.address], token: plane.issueToken('c1') });
    await c.start(facts('n1'));
    for (const name of ['a', 'b']) plane.assign('n1', replica(name));
    let release!: () => void;
    plane.reportGate = new Promise((resolve) => (release = resolve));
    c.reportReplica(report('a', ReplicaPhase.REPLICA_PHASE_STARTING));
    await waitFor('the first call to arrive', () => plane.calls.includes('reportStatus n1'), 10_000);
    c.reportReplica(report('a', ReplicaPhase.REPLICA_PHASE_READY));
    c.reportReplica(report('b', ReplicaPhase.REPLICA_PHASE_STARTING));
    c.reportReplica(report('a', ReplicaPhase.REPLICA_PHASE_FAILED));
    c.reportReplica(report('b', ReplicaPhase.REPLICA_PHASE_READY));
    release();
    await c.flushStatus();
    expect(plane.batchSizes).toEqual([1, 2]);
    expect(plane.reports.map((r) => `${r.name}:${ReplicaPhase[r.status!.phase]}`)).toEqual(['a:REPLICA_PHASE_STARTING', 'a:REPLICA_PHASE_FAILED', 'b:REPLICA_PHASE_READY']);
    expect(plane.replica('n1', 'web', 'b')?.status?.phase).toBe(ReplicaPhase.REPLICA_PHASE_READY);
  });

  it('sends a status report again after a failed call, unless a newer one replaced it', async () => {
    const { plane, servers } = await world();
    const c = client({ addresses: [servers[0]!.address], token: plane.issueToken('c1') });
    await c.start(facts('n1'));
    plane.assign('n1', replica('a'));
    plane.failNext.set('reportStatus', { code: status.UNAVAILABLE, details: 'etcd away' });
    c.reportReplica(report('a', ReplicaPhase.REPLICA_PHASE_STARTING));
    await waitFor('the failed call', () => plane.calls.includes('reportStatus n1'), 10_000);
    plane.failNext.delete('reportStatus');
    await c.flushStatus();
    expect(plane.replica('n1', 'web', 'a')?.status?.phase).toBe(ReplicaPhase.REPLICA_PHASE_STARTING);
  });

  it('sends again only what is still bound to it when the control plane refuses a status report as a whole', async () => {
    const { plane, servers } = await world();
    const c = client({ addresses: [servers[0]!.address], token: plane.issueToken('c1') });
    await c.start(facts('n1'));
    plane.assign('n1', replica('a'));
    plane.assign('n1', replica('b'));
    c.watchAssignments(() => undefined);
    await waitFor('the initial set', () => c.assignments.size === 2, 10_000);
    // b moves to another node; the report about it races the news.
    plane.unassign('n1', 'web', 'b');
    await waitFor('b gone from the assignments', () => c.assignments.size === 1, 10_000);
    // One call in flight; the next batch (a and b) is refused as a whole.
    let release!: () => void;
    plane.reportGate = new Promise((resolve) => (release = resolve));
    c.reportReplica(report('a', ReplicaPhase.REPLICA_PHASE_STARTING));
    await waitFor('the first call to arrive', () => plane.calls.includes('reportStatus n1'), 10_000);
    c.reportReplica(report('a', ReplicaPhase.REPLICA_PHASE_READY));
    c.reportReplica(report('b', ReplicaPhase.REPLICA_PHASE_READY));
    plane.failNext.set('reportStatus', { code: status.PERMISSION_DENIED, details: 'replica web/b is not bound to node n1', times: 1 });
    release();
    await waitFor('a reported Ready', () => plane.replica('n1', 'web', 'a')?.status?.phase === ReplicaPhase.REPLICA_PHASE_READY, 10_000);
    await c.flushStatus();
    expect(plane.batchSizes).toEqual([1, 1]);
    expect(plane.reports.map((r) => `${r.name}:${ReplicaPhase[r.status!.phase]}`)).toEqual(['a:REPLICA_PHASE_STARTING', 'a:REPLICA_PHASE_READY']);
  });

  it('takes a ReleaseReplica refused with PERMISSION_DENIED as nothing to release', async () => {
    const { plane, servers } = await world();
    const c = client({ addresses: [servers[0]!.address], token: plane.issueToken('c1') });
    await c.start(facts('n1'));
    plane.failNext.set('releaseReplica', { code: status.PERMISSION_DENIED, details: 'replica web/x is not bound to node n1' });
    expect(await c.releaseReplica({ deployment: 'web', name: 'x', uid: 'u-x' })).toBe(false);
  });

  it('re-syncs its assignments after a reconnect: replicas missing from the new initial set count as deleted', async () => {
    const { plane, servers } = await world(2);
    const [a, b] = servers as [FakeNodeServer, FakeNodeServer];
    const c = client({ addresses: [a.address, b.address], token: plane.issueToken('c1') });
    await c.start(facts('n1'));
    plane.assign('n1', replica('r1'));
    plane.assign('n1', replica('r2'));
    const changed: string[][] = [];
    c.watchAssignments((keys) => changed.push(keys));
    await waitFor('the initial set', () => c.assignments.synced && c.assignments.size === 2, 10_000);
    await a.kill();
    // Moved away while the node was reconnecting: no DELETED reaches it.
    plane.unassignSilently('n1', 'web', 'r2');
    await waitFor('the re-sync', () => (c.assignments.size === 1 ? true : undefined), 10_000);
    expect(c.assignments.keys()).toEqual(['web/r1']);
    expect(changed).toEqual([['web/r1', 'web/r2'], ['web/r2']]);
    expect(plane.openWatches('n1')).toBe(1);
  });

  it('joins again with its token when the control plane refuses its credential', async () => {
    const { plane, servers } = await world();
    const c = client({ addresses: [servers[0]!.address], token: plane.issueToken('c1', 2) });
    const first = (await c.start(facts('n1'))).leaseId;
    // Its keep-alive stream is open (authenticated once, at open) before the credential goes.
    await waitFor('keep-alives to be answered', () => (plane.keepAlives.get('n1') ?? 0) >= 1, 10_000);
    plane.revokeCredentials();
    plane.expireLease('n1');
    await waitFor('a new registration', () => (c.registrations === 2 ? true : undefined), 10_000);
    expect(plane.calls.filter((x) => x.startsWith('join') || x.startsWith('register'))).toEqual(['join n1', 'register ?', 'join n1']);
    expect(c.leaseId).not.toBe(first);
  });

  it('renews its credential before it expires', async () => {
    const { plane, servers } = await world();
    plane.credentialLifetimeMs = 3_000;
    const stateDir = mkdtempSync(join(tmpdir(), 'helios-node-client-'));
    const c = client({ addresses: [servers[0]!.address], token: plane.issueToken('c1'), stateDir });
    await c.start(facts('n1'));
    await waitFor('a renewal', () => plane.calls.includes('renewCredential n1'), 10_000);
    // Past the first credential's life, the node still reports with the renewed one.
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    plane.assign('n1', replica('a'));
    c.reportReplica(report('a', ReplicaPhase.REPLICA_PHASE_READY));
    await c.flushStatus();
    expect(plane.replica('n1', 'web', 'a')?.status?.phase).toBe(ReplicaPhase.REPLICA_PHASE_READY);
  });

  it('lets many nodes share one channel per address, each with its own credential, paced by one registration gate', async () => {
    const { plane, servers } = await world();
    const channels = new NodeChannels();
    cleanup.push(() => channels.close());
    const gate = new RegistrationGate({ perSecond: 50, burst: 5 });
    const token = plane.issueToken('c1', 20);
    const clients = Array.from({ length: 20 }, () => client({ addresses: [servers[0]!.address], token, channels, registrations: gate }));
    await Promise.all(clients.map((c, i) => c.start(facts(`n${i}`))));
    await waitFor('every node to keep its lease alive', () => clients.every((_, i) => (plane.keepAlives.get(`n${i}`) ?? 0) >= 1), 10_000);
    expect(new Set(clients.map((c) => c.leaseId)).size).toBe(20);
    expect(clients.map((c) => c.identity?.node)).toEqual(clients.map((_, i) => `n${i}`));
  });
});
