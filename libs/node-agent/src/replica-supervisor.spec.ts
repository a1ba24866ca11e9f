import { Deployment, Replica, ReplicaPhase, Tier } from '@helios/api';
import { createLogger } from '@helios/config';
import { REPO_ROOT, waitFor } from '@helios/launcher';
import { ProcessRuntime } from '@helios/replica-runtime';
import { Informer, Keys, LeasePool, ResourceStore, connectEtcd, type Etcd3 } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NodeAgent } from './node-agent';
import { ReplicaBindings } from './replica-bindings';
import { fixtureGpus } from './testing/fixture-gpus';

const MODEL = [process.execPath, '--require', require.resolve('tsx/cjs'), 'apps/model-server/src/main.ts', '--version', 'v2'];

describe('NodeAgent running the replicas bound to it', () => {
  const logger = createLogger('replica-supervisor-test', 'silent');
  let client: Etcd3;
  let leases: LeasePool;
  let keys: Keys;
  let store: ResourceStore;
  let bindings: ReplicaBindings;
  let history: Informer<'replica'>;
  /** Every state each replica was written in, in order, as a watcher saw them. */
  const seen = new Map<string, Replica[]>();
  const runtime = new ProcessRuntime({ cwd: REPO_ROOT, restartPolicy: { baseMs: 100, maxMs: 500, resetAfterMs: 60_000 }, logger });
  const agents: NodeAgent[] = [];

  beforeAll(async () => {
    client = connectEtcd(inject('etcdEndpoint'));
    leases = new LeasePool(client, { streams: 1 });
    keys = new Keys(`/t/${randomUUID()}/helios/v1`);
    store = new ResourceStore(client, keys);
    bindings = new ReplicaBindings(client, keys, { logger });
    history = new Informer(client, keys, 'replica');
    history.on((e) => {
      const name = e.object.metadata!.name;
      if (e.type !== 'deleted') seen.set(name, [...(seen.get(name) ?? []), e.object]);
    });
    await history.start();
    // drainSeconds 2 is the window in which a retired replica must still answer.
    await store.create('deployment', Deployment.fromPartial({ metadata: { name: 'web' }, spec: { replicas: 1, strategy: { drainSeconds: 2, terminationGraceSeconds: 3 } } }));
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await runtime.close(1_000);
    await history?.stop();
    await bindings?.stop();
    leases?.close();
    client?.close();
  });

  const startAgent = async (): Promise<NodeAgent> => {
    const nodeName = `n-${randomUUID().slice(0, 8)}`;
    const a = new NodeAgent(
      { client, keys, leases, store, logger, runtime, bindings },
      { cell: 'c1', pool: 'h100', nodeName, tier: Tier.TIER_ON_DEMAND, gpuType: 'h100', gpus: 4, leaseTtl: 2, inventory: { source: 'static', gpus: fixtureGpus(nodeName, 4) } },
    );
    agents.push(a);
    await a.start();
    return a;
  };

  const bind = (node: string, command = MODEL): Promise<Replica> =>
    store.create(
      'replica',
      Replica.fromPartial({
        metadata: { name: `web-${randomUUID().slice(0, 6)}`, uid: randomUUID() },
        spec: {
          deployment: 'web',
          revision: 2,
          cell: 'c1',
          node,
          gpuIndices: [0, 1],
          template: { command, port: 0, readinessProbe: { path: '/healthz', periodSeconds: 1 }, env: { TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.json'), HELIOS_LOG_LEVEL: 'warn' } },
        },
        status: { phase: ReplicaPhase.REPLICA_PHASE_BOUND },
      }),
    );

  const readyReplica = (name: string) =>
    waitFor(`replica ${name} Ready`, async () => {
      const r = await store.get('replica', name, 'web');
      return r?.status?.phase === ReplicaPhase.REPLICA_PHASE_READY ? r : undefined;
    }, 30_000, 50);

  const infer = async (endpoint: string) => (await fetch(`http://${endpoint}/v1/infer?input=hi`)).json() as Promise<{ replica: string; version: string }>;
  const refuses = async (endpoint: string) => {
    try {
      await fetch(`http://${endpoint}/healthz`);
      return false;
    } catch {
      return true;
    }
  };

  it('starts a replica bound to it, reports STARTING then READY with an endpoint that answers', async () => {
    const a = await startAgent();
    const r = await bind(a.name);
    const name = r.metadata!.name;
    const ready = await readyReplica(name);
    expect(ready.status).toMatchObject({ phase: ReplicaPhase.REPLICA_PHASE_READY, restarts: 0, reason: '' });
    expect(ready.status?.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(ready.status?.readyTime).toBeDefined();
    expect(await infer(ready.status!.endpoint)).toEqual({ version: 'v2', replica: name, output: 'v2:hi' });
    const phases = seen.get(name)!.map((x) => x.status?.phase);
    expect(phases.indexOf(ReplicaPhase.REPLICA_PHASE_STARTING)).toBeGreaterThan(-1);
    expect(phases.indexOf(ReplicaPhase.REPLICA_PHASE_STARTING)).toBeLessThan(phases.indexOf(ReplicaPhase.REPLICA_PHASE_READY));
    expect(a.replicas).toBe(1);
  });

  it('retires a replica in order: unpublished by the retiring write, still serving while draining, then stopped and deleted', async () => {
    const a = await startAgent();
    const name = (await bind(a.name)).metadata!.name;
    const endpoint = (await readyReplica(name)).status!.endpoint;

    // What the deployment controller does: deletionTime and TERMINATING in one CAS write.
    const retired = await store.mutate('replica', name, 'web', (r) => {
      r.metadata!.deletionTime = new Date().toISOString();
      r.status!.phase = ReplicaPhase.REPLICA_PHASE_TERMINATING;
      return r;
    });
    // Out of the endpoint set, yet still serving: the drain comes before SIGTERM.
    expect((await infer(endpoint)).replica).toBe(name);

    await waitFor(`replica ${name} deleted`, async () => (await store.get('replica', name, 'web')) === undefined, 30_000, 50);
    expect(await refuses(endpoint)).toBe(true);
    await waitFor('the agent to forget the run', () => a.replicas === 0, 5_000, 20);
    // Nothing written after the retirement published the replica again.
    const after = seen.get(name)!.filter((x) => x.metadata!.resourceVersion > retired.metadata!.resourceVersion);
    expect(after.every((x) => x.metadata?.deletionTime && x.status?.phase === ReplicaPhase.REPLICA_PHASE_TERMINATING)).toBe(true);
  });

  it('stops, and leaves alone, a replica bound to another node', async () => {
    const a = await startAgent();
    const name = (await bind(a.name)).metadata!.name;
    const endpoint = (await readyReplica(name)).status!.endpoint;
    // A rebinding elsewhere, as the scheduler would write it.
    const moved = await store.mutate('replica', name, 'web', (r) => {
      r.spec!.node = 'elsewhere';
      r.status = { ...r.status!, phase: ReplicaPhase.REPLICA_PHASE_BOUND, endpoint: '', readyTime: undefined };
      return r;
    });
    await waitFor('the process to stop', () => refuses(endpoint), 30_000, 50);
    await waitFor('the agent to forget the run', () => a.replicas === 0, 5_000, 20);
    const now = await store.get('replica', name, 'web');
    expect(now?.metadata?.resourceVersion).toBe(moved.metadata?.resourceVersion);
    expect(now?.status?.phase).toBe(ReplicaPhase.REPLICA_PHASE_BOUND);
  });

  it('stops the process of a replica deleted outright', async () => {
    const a = await startAgent();
    const name = (await bind(a.name)).metadata!.name;
    const endpoint = (await readyReplica(name)).status!.endpoint;
    await store.delete('replica', name, 'web');
    await waitFor('the process to stop', () => refuses(endpoint), 30_000, 50);
    await waitFor('the agent to forget the run', () => a.replicas === 0, 5_000, 20);
  });

  it('reports a crashing replica STARTING with reason Crashed (not FAILED, which is terminal), and counts its restarts', async () => {
    const a = await startAgent();
    const name = (await bind(a.name, [process.execPath, '-e', "console.error('CUDA out of memory'); process.exit(1)"])).metadata!.name;
    const failed = await waitFor(`replica ${name} failed and restarted`, async () => {
      const r = await store.get('replica', name, 'web');
      return r?.status?.phase === ReplicaPhase.REPLICA_PHASE_STARTING && r.status.reason === 'Crashed' && r.status.restarts >= 2 ? r : undefined;
    }, 30_000, 50);
    expect(failed.status?.reason).toBe('Crashed');
    expect(failed.status?.message).toContain('exited with code 1 (stderr: CUDA out of memory)');
  });

  it('stops the replicas it runs when it stops', async () => {
    const a = await startAgent();
    const name = (await bind(a.name)).metadata!.name;
    const endpoint = (await readyReplica(name)).status!.endpoint;
    await a.stop();
    expect(await refuses(endpoint)).toBe(true);
    expect(a.replicas).toBe(0);
  });
});
