import { randomUUID } from 'node:crypto';
import { Cell, CellPhase, Node, NodePhase, Replica, ReplicaPhase } from '@helios/api';
import { createLogger } from '@helios/config';
import { ControllerMetrics, Manager, ManualClock, type Clock } from '@helios/controller-runtime';
import { waitFor } from '@helios/launcher';
import { NODE_CONDITIONS } from '@helios/replica-lifecycle';
import { connectEtcd, Keys, LeaderElection, LeasePool, ResourceStore, SharedInformers, type Etcd3, type Lease } from '@helios/store';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { nodeLifecycleControllers, type NodeLifecycleOptions } from './node-lifecycle-controller';

const endpoint = inject('etcdEndpoint');
let client: Etcd3;
let leases: LeasePool;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  client = connectEtcd(endpoint);
  leases = new LeasePool(client);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(() => {
  leases.close();
  client.close();
});

/** One test's world: its own key root, a leader's fence, and helpers to fake node agents. */
async function world() {
  const keys = new Keys(`/t/${randomUUID()}/helios/v1`);
  const store = new ResourceStore(client, keys);
  const election = new LeaderElection(client, keys, 'control-plane', 'test', { ttl: 5 });
  await election.campaign();
  cleanups.push(() => election.resign().catch(() => undefined));
  const heartbeats = new Map<string, Lease>();

  /** Registers a node as its agent would: a lease, the heartbeat key on it, the Node Ready. */
  const register = async (cell: string, name: string): Promise<void> => {
    const lease = await leases.grant(2);
    cleanups.push(() => lease.revoke().catch(() => undefined));
    heartbeats.set(`${cell}/${name}`, lease);
    await client.put(keys.heartbeat(cell, name)).value(name).lease(lease.id).exec();
    const node = Node.fromPartial({ metadata: { name }, spec: { cell, pool: 'p' }, status: { phase: NodePhase.NODE_PHASE_READY, leaseId: lease.id } });
    const existing = await store.get('node', name, cell);
    if (!existing) await store.create('node', node);
    else await store.mutate('node', name, cell, (current) => ({ ...current, status: { ...current.status!, phase: NodePhase.NODE_PHASE_READY, reason: '', leaseId: lease.id } }));
  };
  /** Kills a node's heartbeat at once (revoke), as etcd does when its lease expires. */
  const kill = (cell: string, name: string) => heartbeats.get(`${cell}/${name}`)!.revoke();
  const bindReplica = (deployment: string, name: string, cell: string, node: string) =>
    store.create(
      'replica',
      Replica.fromPartial({ metadata: { name }, spec: { deployment, cell, node }, status: { phase: ReplicaPhase.REPLICA_PHASE_READY, endpoint: '127.0.0.1:1' } }),
    );
  const node = (cell: string, name: string) => store.get('node', name, cell);
  const replica = (deployment: string, name: string) => store.get('replica', name, deployment);

  /**
   * Starts a controller (as a leader's registry would) and waits until its caches are filled
   * (its node gauge reports); returns its stop.
   */
  const start = async (options: NodeLifecycleOptions & { clock?: Clock } = {}) => {
    const registry = new Registry();
    const controllers = nodeLifecycleControllers(
      { client, keys, store, fence: () => election.fence(), metrics: new ControllerMetrics(registry), logger: createLogger('test', 'silent'), clock: options.clock },
      options,
    );
    const informers = new SharedInformers(client, keys);
    const abort = new AbortController();
    const running = new Manager({ informers, clock: options.clock, metrics: new ControllerMetrics(registry) }).run(controllers, abort.signal);
    const stop = async () => {
      abort.abort();
      await running;
      await informers.stop();
    };
    cleanups.push(stop);
    await waitFor('the controller to start', async () => (await registry.getSingleMetric('helios_nodes')!.get()).values.length > 0);
    return { controllers, registry, stop };
  };
  return { keys, store, register, kill, bindReplica, node, replica, start, heartbeats };
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want));
  return match?.value;
}

describe('NodeLifecycleController', () => {
  it('turns a node whose heartbeat is deleted NotReady, fails its replicas, and brings it back Ready', async () => {
    const w = await world();
    await w.register('c1', 'n1');
    await w.register('c1', 'n2');
    await w.bindReplica('d', 'r1', 'c1', 'n1');
    await w.bindReplica('d', 'r2', 'c1', 'n2');
    const { registry } = await w.start({ storm: { settleMs: 0 } });

    const before = Date.now();
    await w.kill('c1', 'n1');
    const lost = await waitFor('n1 NotReady', async () => {
      const n = await w.node('c1', 'n1');
      return n?.status?.phase === NodePhase.NODE_PHASE_NOT_READY ? n : undefined;
    });
    expect(lost.status!.reason).toBe('HeartbeatLost');
    expect(Date.parse(lost.status!.lastTransitionTime!)).toBeGreaterThanOrEqual(before - 1);
    expect(lost.status!.conditions.find((c) => c.type === NODE_CONDITIONS.heartbeat)).toMatchObject({ status: 'False', reason: 'HeartbeatLost' });

    const failed = await waitFor('r1 Failed', async () => {
      const r = await w.replica('d', 'r1');
      return r?.status?.phase === ReplicaPhase.REPLICA_PHASE_FAILED ? r : undefined;
    });
    expect(failed.status).toMatchObject({ reason: 'NodeLost', message: 'node c1/n1 lost its heartbeat' });
    expect((await w.replica('d', 'r2'))!.status!.phase).toBe(ReplicaPhase.REPLICA_PHASE_READY);
    expect((await w.node('c1', 'n2'))!.status!.phase).toBe(NodePhase.NODE_PHASE_READY);
    expect(await metricValue(registry, 'helios_node_evictions_total', { cell: 'c1' })).toBe(1);

    // The agent comes back on a new lease.
    await client.put(w.keys.heartbeat('c1', 'n1')).value('n1').lease((await leasesGrant()).id).exec();
    const back = await waitFor('n1 Ready again', async () => {
      const n = await w.node('c1', 'n1');
      return n?.status?.phase === NodePhase.NODE_PHASE_READY ? n : undefined;
    });
    expect(back.status!.reason).toBe('');
    expect(back.status!.conditions.find((c) => c.type === NODE_CONDITIONS.heartbeat)?.status).toBe('True');
    // The gauge reads the cache, which sees the write a moment after etcd has it.
    await waitFor('the node gauge to count both Ready', async () => (await metricValue(registry, 'helios_nodes', { cell: 'c1', phase: 'Ready' })) === 2);
  });

  it('notices a lease that expires on its own, and records the detection time', async () => {
    const w = await world();
    await w.register('c1', 'n1');
    const { registry } = await w.start();
    w.heartbeats.get('c1/n1')!.release();
    await waitFor('n1 NotReady after its lease expired', async () => (await w.node('c1', 'n1'))?.status?.phase === NodePhase.NODE_PHASE_NOT_READY, 20_000);
    // The controller records the detection once its NotReady write returns, which may be just
    // after this test's read sees the write.
    const detection = await waitFor('the detection recorded', async () => {
      const text = await registry.getSingleMetricAsString('helios_node_failure_detection_seconds');
      return /_count [1-9]/.test(text) && text;
    });
    expect(detection).toMatch(/^helios_node_failure_detection_seconds_count 1$/m);
  });

  it('does not flag live nodes when the controller restarts, and flags a node that died meanwhile only after the grace period', async () => {
    const w = await world();
    for (const name of ['n1', 'n2', 'n3']) await w.register('c1', name);
    const first = await w.start();
    await w.kill('c1', 'n1');
    await waitFor('n1 NotReady', async () => (await w.node('c1', 'n1'))?.status?.phase === NodePhase.NODE_PHASE_NOT_READY);
    await first.stop();

    // While no controller runs, n2 dies; n3 lives on.
    await w.kill('c1', 'n2');
    const live = (await w.node('c1', 'n3'))!;
    const clock = new ManualClock(Date.now());
    const second = await w.start({ clock, absentGraceMs: 5_000 });
    // The second term's first look at n2 finds no heartbeat and no delete to go by: it waits.
    await waitFor(
      'the grace period to start',
      async () => ((await metricValue(second.registry, 'helios_controller_reconcile_total', { controller: 'node-lifecycle', result: 'requeue' })) ?? 0) >= 1,
    );
    expect((await w.node('c1', 'n2'))!.status!.phase).toBe(NodePhase.NODE_PHASE_READY);
    clock.advance(5_000);
    const n2 = await waitFor('n2 NotReady after the grace period', async () => {
      const n = await w.node('c1', 'n2');
      return n?.status?.phase === NodePhase.NODE_PHASE_NOT_READY ? n : undefined;
    });
    expect(n2.status!.conditions.find((c) => c.type === NODE_CONDITIONS.heartbeat)?.message).toBe('no heartbeat key for 5 s');
    // n3 was never touched, n1 stays NotReady.
    expect((await w.node('c1', 'n3'))!.metadata!.resourceVersion).toBe(live.metadata!.resourceVersion);
    expect((await w.node('c1', 'n1'))!.status!.phase).toBe(NodePhase.NODE_PHASE_NOT_READY);
  });

  it('marks a cell Degraded when 6 of its 10 nodes go silent at once, and rate-limits their evictions', async () => {
    const w = await world();
    await w.store.create('cell', Cell.fromPartial({ metadata: { name: 'c1' }, spec: { provider: 'sim' }, status: { phase: CellPhase.CELL_PHASE_READY } }));
    const names = Array.from({ length: 10 }, (_, i) => `n${i}`);
    for (const name of names) {
      await w.register('c1', name);
      await w.bindReplica('d', `r-${name}`, 'c1', name);
    }
    const clock = new ManualClock(Date.now());
    // Defaults: 50 % within 10 s -> Degraded; settle 2 s; then 1 node at once and one every 10 s.
    const { registry } = await w.start({ clock });
    const waiting = () => metricValue(registry, 'helios_node_evictions_waiting', { cell: 'c1' });
    const failedCount = async () => {
      const { items } = await w.store.list('replica', 'd');
      return items.filter((r) => r.status?.phase === ReplicaPhase.REPLICA_PHASE_FAILED).length;
    };
    await waitFor('the controller to see 10 Ready nodes', async () => (await metricValue(registry, 'helios_nodes', { cell: 'c1', phase: 'Ready' })) === 10);

    await Promise.all(names.slice(0, 6).map((name) => w.kill('c1', name)));
    const cell = await waitFor('c1 Degraded', async () => {
      const c = await w.store.get('cell', 'c1');
      return c?.status?.conditions.some((x) => x.type === 'Degraded' && x.status === 'True') ? c : undefined;
    });
    expect(cell.status!.conditions.find((x) => x.type === 'Degraded')).toMatchObject({ reason: 'NodeStorm', message: expect.stringMatching(/^[56] of 10 nodes went silent within 10 s/) });
    await waitFor('six evictions waiting to settle', async () => (await waiting()) === 6);
    expect(await metricValue(registry, 'helios_cells_degraded')).toBe(1);
    expect(await failedCount()).toBe(0);

    clock.advance(2_000);
    await waitFor('one eviction, five held back', async () => (await waiting()) === 5 && (await failedCount()) === 1);
    clock.advance(10_000);
    await waitFor('a second eviction ten seconds later', async () => (await waiting()) === 4 && (await failedCount()) === 2);
    expect(await metricValue(registry, 'helios_node_evictions_total', { cell: 'c1' })).toBe(2);
    // Every silent node is NotReady at once, whatever the pace of evictions.
    const { items } = await w.store.list('node', 'c1');
    expect(items.filter((n) => n.status?.phase === NodePhase.NODE_PHASE_NOT_READY).map((n) => n.metadata!.name).sort()).toEqual(names.slice(0, 6));
  });
});

function leasesGrant(): Promise<Lease> {
  return leases.grant(2).then((lease) => {
    cleanups.push(() => lease.revoke().catch(() => undefined));
    return lease;
  });
}
