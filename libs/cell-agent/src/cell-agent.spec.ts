import { Cell, NodePhase, NodePool, Tier, type GpuCapacity } from '@helios/api';
import { createLogger } from '@helios/config';
import { waitFor } from '@helios/launcher';
import { POOL_CONDITIONS } from '@helios/replica-lifecycle';
import { inProcessFleet, SimProvider } from '@helios/sim';
import { Keys, LeaderElection, LeasePool, ResourceStore, connectEtcd, type Etcd3 } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { CellAgent } from './cell-agent';
import { launchIntent, pendingLaunches, withLaunch } from './launch-intent';
import { PoolReconciler, type CellCache } from './pool-reconciler';
import { poolTemplate } from './pool-template';

const logger = createLogger('cell-agent-test', process.env.TEST_LOG_LEVEL ?? 'silent');

const cellObject = (name: string) => Cell.fromPartial({ metadata: { name, uid: randomUUID(), generation: 1 }, spec: { provider: 'sim', region: 'sim-1', zones: ['sim-1a'] } });
const poolObject = (cell: string, name: string, tier: Tier, gpuType: string, gpusPerNode: number, min: number, max: number) =>
  NodePool.fromPartial({ metadata: { name, uid: randomUUID(), generation: 1 }, spec: { cell, gpuType, gpusPerNode, tier, min, max } });

describe('CellAgent with the sim provider', () => {
  let client: Etcd3;
  let leases: LeasePool;
  let cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(() => {
    client = connectEtcd(inject('etcdEndpoint'));
    leases = new LeasePool(client, { streams: 2 });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
  });
  afterAll(() => {
    leases.close();
    client.close();
  });

  /** A fresh key root with a sim cloud whose running instances run node agents. */
  async function world() {
    const keys = new Keys(`/t/${randomUUID()}/helios/v1`);
    const store = new ResourceStore(client, keys);
    const provider = new SimProvider({ launchLatencyMs: 0 });
    const { fleet, close } = await inProcessFleet({ client, keys, store, logger }, provider, { nodeLeaseTtl: 2 });
    fleet.start();
    cleanups.push(async () => {
      await close();
      provider.close();
    });
    const agent = (id: string, capacityRetryMs = 60_000) => {
      const a = new CellAgent({ client, keys, provider, leases, store, logger }, { cell: 'c1', id, leaseTtl: 2, capacityRetryMs });
      cleanups.push(() => a.stop());
      return a;
    };
    const pool = (name: string) => store.get('nodePool', name, 'c1');
    const readyNodes = async (poolName: string) => (await store.list('node', 'c1')).items.filter((n) => n.spec?.pool === poolName && n.status?.phase === NodePhase.NODE_PHASE_READY);
    return { keys, store, provider, fleet, agent, pool, readyNodes };
  }

  it('brings each pool to min with Ready nodes and writes pool and cell status with GPUs by tier', async () => {
    const w = await world();
    await w.store.create('cell', cellObject('c1'));
    await w.store.create('nodePool', poolObject('c1', 'h100', Tier.TIER_ON_DEMAND, 'h100', 8, 2, 4));
    await w.store.create('nodePool', poolObject('c1', 'l4', Tier.TIER_PREEMPTIBLE, 'l4', 4, 1, 3));
    const agent = w.agent('agent-a');
    agent.start();
    await agent.whenLeading();

    await waitFor('h100 pool status ready 2', async () => (await w.pool('h100'))?.status?.ready === 2, 20_000, 50);
    await waitFor('l4 pool status ready 1', async () => (await w.pool('l4'))?.status?.ready === 1, 20_000, 50);
    expect((await w.pool('h100'))?.status).toMatchObject({ provisioning: 0, notReady: 0, draining: 0, observedGeneration: 1 });
    expect((await w.pool('h100'))?.status?.gpus).toEqual([{ tier: Tier.TIER_ON_DEMAND, gpuType: 'h100', provisioned: 16, allocated: 0, free: 16, unhealthy: 0 }]);
    expect(pendingLaunches((await w.pool('h100'))!)).toEqual([]);
    expect(await w.readyNodes('h100')).toHaveLength(2);
    expect(await w.readyNodes('l4')).toHaveLength(1);
    for (const node of await w.readyNodes('h100')) expect(node.metadata?.name).toMatch(/^h100-[b-z2-9]{5}$/);

    const wantGpus: GpuCapacity[] = [
      { tier: Tier.TIER_ON_DEMAND, gpuType: 'h100', provisioned: 16, allocated: 0, free: 16, unhealthy: 0 },
      { tier: Tier.TIER_PREEMPTIBLE, gpuType: 'l4', provisioned: 4, allocated: 0, free: 4, unhealthy: 0 },
    ];
    await waitFor('cell status', async () => (await w.store.get('cell', 'c1'))?.status?.readyNodes === 3, 20_000, 50);
    expect((await w.store.get('cell', 'c1'))?.status).toMatchObject({ nodes: 3, readyNodes: 3, agentId: 'agent-a', gpus: wantGpus });

    const liveness = await client.kv.range({ key: Buffer.from(w.keys.agent('c1')) });
    expect(liveness.kvs[0]?.value.toString()).toBe('agent-a');
    expect(liveness.kvs[0]?.lease).not.toBe('0');
    expect(await w.provider.list('c1')).toHaveLength(3);
  });

  it('scales a pool down when min drops, removing the surplus Node and its heartbeat', async () => {
    const w = await world();
    await w.store.create('cell', cellObject('c1'));
    await w.store.create('nodePool', poolObject('c1', 'h100', Tier.TIER_ON_DEMAND, 'h100', 8, 3, 3));
    const agent = w.agent('agent-a');
    agent.start();
    await waitFor('3 ready', async () => (await w.pool('h100'))?.status?.ready === 3, 20_000, 50);

    await w.store.mutate('nodePool', 'h100', 'c1', (p) => ({ ...p, spec: { ...p.spec!, min: 1, max: 1 } }));
    await waitFor('one instance left', async () => (await w.provider.list('c1', 'h100')).length === 1, 20_000, 50);
    await waitFor('one Node left', async () => (await w.store.list('node', 'c1')).items.length === 1, 20_000, 50);
    await waitFor('status ready 1', async () => (await w.pool('h100'))?.status?.ready === 1, 20_000, 50);
    const heartbeats = await client.kv.range({ key: Buffer.from(w.keys.heartbeats('c1')), range_end: Buffer.from(w.keys.heartbeats('c1').replace(/\/$/, '0')) });
    expect(heartbeats.kvs).toHaveLength(1);
    expect((await w.store.get('cell', 'c1'))?.status?.gpus).toEqual([{ tier: Tier.TIER_ON_DEMAND, gpuType: 'h100', provisioned: 8, allocated: 0, free: 8, unhealthy: 0 }]);
  });

  it('replaces a preempted node', async () => {
    const w = await world();
    await w.store.create('cell', cellObject('c1'));
    await w.store.create('nodePool', poolObject('c1', 'spot', Tier.TIER_PREEMPTIBLE, 'l4', 4, 2, 2));
    w.agent('agent-a').start();
    await waitFor('2 ready', async () => (await w.pool('spot'))?.status?.ready === 2, 20_000, 50);
    const [victim] = await w.provider.list('c1', 'spot');
    w.provider.preempt(victim!.id, 0);
    await waitFor('a replacement Ready and the victim gone', async () => {
      const nodes = await w.readyNodes('spot');
      return nodes.length === 2 && !nodes.some((n) => n.spec?.providerId === victim!.id) && (await w.store.list('node', 'c1')).items.length === 2;
    }, 20_000, 50);
    expect(await w.provider.list('c1', 'spot')).toHaveLength(2);
  });

  it('marks a pool CapacityUnavailable when the cloud has no capacity, and launches again once its spec changes', async () => {
    const w = await world();
    await w.store.create('cell', cellObject('c1'));
    await w.store.create('nodePool', poolObject('c1', 'h100', Tier.TIER_ON_DEMAND, 'h100', 8, 2, 2));
    w.provider.setCapacity({ pool: 'h100' }, 1);
    const agent = w.agent('agent-a');
    agent.start();
    const condition = await waitFor('the condition', async () => (await w.pool('h100'))?.status?.conditions.find((c) => c.type === POOL_CONDITIONS.capacityUnavailable), 20_000, 50);
    expect(condition).toMatchObject({ status: 'True', reason: 'InsufficientCapacity' });
    const refused = (await w.pool('h100'))!;
    expect(Date.parse(refused.status!.capacityRetryTime!)).toBeGreaterThan(Date.parse(condition.lastTransitionTime!));
    expect(pendingLaunches(refused)).toEqual([]);
    expect(await w.provider.list('c1')).toHaveLength(0);

    // Capacity is back and the pool's spec changed (a new generation): no need to wait out the retry time.
    w.provider.setCapacity({ pool: 'h100' }, undefined);
    await w.store.mutate('nodePool', 'h100', 'c1', (p) => ({ ...p, metadata: { ...p.metadata!, generation: 2 }, spec: { ...p.spec!, max: 3 } }));
    await waitFor('2 ready', async () => (await w.pool('h100'))?.status?.ready === 2, 20_000, 50);
    const recovered = (await w.pool('h100'))!.status!;
    expect(recovered.conditions.find((c) => c.type === POOL_CONDITIONS.capacityUnavailable)?.status).toBe('False');
    expect(recovered.capacityRetryTime).toBeUndefined();
  });

  it('waits for its Cell to be applied before launching anything', async () => {
    const w = await world();
    await w.store.create('nodePool', poolObject('c1', 'h100', Tier.TIER_ON_DEMAND, 'h100', 8, 1, 1));
    const agent = w.agent('agent-a');
    agent.start();
    await agent.whenLeading();
    expect(w.provider.calls.filter((c) => c.method === 'launch')).toHaveLength(0);
    await w.store.create('cell', cellObject('c1'));
    await waitFor('1 ready', async () => (await w.pool('h100'))?.status?.ready === 1, 20_000, 50);
  });

  it('lets a second agent for the same cell stand by and take over when the leader stops', async () => {
    const w = await world();
    await w.store.create('cell', cellObject('c1'));
    await w.store.create('nodePool', poolObject('c1', 'h100', Tier.TIER_ON_DEMAND, 'h100', 8, 1, 2));
    const first = w.agent('agent-a');
    first.start();
    await first.whenLeading();
    const second = w.agent('agent-b');
    second.start();
    await waitFor('1 ready', async () => (await w.pool('h100'))?.status?.ready === 1, 20_000, 50);
    expect(second.isLeader).toBe(false);

    await first.stop();
    await second.whenLeading();
    await waitFor('the liveness key names the new leader', async () => {
      const res = await client.kv.range({ key: Buffer.from(w.keys.agent('c1')) });
      return res.kvs[0]?.value.toString() === 'agent-b';
    }, 20_000, 50);
    await w.store.mutate('nodePool', 'h100', 'c1', (p) => ({ ...p, spec: { ...p.spec!, min: 2 } }));
    await waitFor('2 ready under the new leader', async () => (await w.pool('h100'))?.status?.ready === 2, 20_000, 50);
    expect((await w.store.get('cell', 'c1'))?.status?.agentId).toBe('agent-b');
  });
});

describe('PoolReconciler', () => {
  let client: Etcd3;
  let leases: LeasePool;
  beforeAll(() => {
    client = connectEtcd(inject('etcdEndpoint'));
    leases = new LeasePool(client, { streams: 1 });
  });
  afterAll(() => {
    leases.close();
    client.close();
  });

  /** A reconciler whose cache is a fixed snapshot, as an informer lagging behind our own writes would be. */
  async function setup(pool: NodePool) {
    const keys = new Keys(`/t/${randomUUID()}/helios/v1`);
    const store = new ResourceStore(client, keys);
    const provider = new SimProvider({ launchLatencyMs: 60_000 });
    const cell = await store.create('cell', cellObject('c1'));
    let snapshot = await store.create('nodePool', pool);
    const election = new LeaderElection(client, keys, 'cell-agent-c1', 'test', { leases });
    await election.campaign();
    const cache: CellCache = { cell: () => cell, pool: () => snapshot, nodes: () => [], replicas: () => [], isLive: () => false };
    /** Brings the cache up to date with etcd, as the informer eventually does. */
    const refresh = async () => {
      snapshot = (await store.get('nodePool', pool.metadata!.name, 'c1'))!;
    };
    // The reconciler's clock, moved by hand to cross the retry time of a refused launch.
    let nowMs = Date.now();
    const reconciler = new PoolReconciler({ cellName: 'c1', cache, store, provider, fence: () => election.fence(), log: logger, now: () => new Date(nowMs) });
    return {
      store,
      provider,
      reconciler,
      cell,
      refresh,
      advance: (ms: number) => (nowMs += ms),
      cleanup: async () => {
        provider.close();
        await election.resign();
      },
    };
  }

  it('does not launch twice when reconciled twice from a stale cache', async () => {
    const s = await setup(poolObject('c1', 'h100', Tier.TIER_ON_DEMAND, 'h100', 8, 3, 5));
    await s.reconciler.reconcile('h100');
    await s.reconciler.reconcile('h100');
    expect(await s.provider.list('c1', 'h100')).toHaveLength(3);
    expect(s.provider.calls.filter((c) => c.method === 'launch')).toHaveLength(1);
    const stored = await s.store.get('nodePool', 'h100', 'c1');
    expect(stored?.status?.provisioning).toBe(3);
    expect(pendingLaunches(stored!)).toEqual([]);
    await s.cleanup();
  });

  it('repeats the launch a crashed agent recorded, with its token, instead of launching anew', async () => {
    const intent = launchIntent(randomUUID(), ['h100-aaaaa', 'h100-bbbbb']);
    const pool = withLaunch(poolObject('c1', 'h100', Tier.TIER_ON_DEMAND, 'h100', 8, 2, 2), intent);
    const s = await setup(pool);
    // The crashed agent's call reached the cloud: the instances exist, the outcome was never recorded.
    const made = await s.provider.launch({ template: poolTemplate(s.cell, pool), count: 2, token: intent.token, nodeNames: intent.nodeNames });
    await s.reconciler.reconcile('h100');
    const launches = s.provider.calls.flatMap((c) => (c.method === 'launch' ? [c.request.token] : []));
    expect(launches).toEqual([intent.token, intent.token]);
    expect((await s.provider.list('c1', 'h100')).map((i) => i.id)).toEqual(made.map((i) => i.id));
    expect(pendingLaunches((await s.store.get('nodePool', 'h100', 'c1'))!)).toEqual([]);
    await s.cleanup();
  });

  it('after a refused launch, launches nothing until the retry time however often it is reconciled, then launches', async () => {
    const s = await setup(poolObject('c1', 'h100', Tier.TIER_ON_DEMAND, 'h100', 8, 2, 2));
    s.provider.setCapacity({}, 0);
    expect((await s.reconciler.reconcile('h100')).requeueAfter).toBe(30_000);
    await s.refresh();
    s.provider.setCapacity({}, undefined);
    const again = await s.reconciler.reconcile('h100');
    await s.reconciler.reconcile('h100');
    expect(again.requeueAfter).toBeGreaterThan(0);
    expect(s.provider.calls.filter((c) => c.method === 'launch')).toHaveLength(1);
    s.advance(30_000);
    await s.reconciler.reconcile('h100');
    expect(s.provider.calls.filter((c) => c.method === 'launch')).toHaveLength(2);
    expect(await s.provider.list('c1', 'h100')).toHaveLength(2);
    await s.cleanup();
  });
});
