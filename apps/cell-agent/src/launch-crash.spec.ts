import { Cell, NodePool, Tier } from '@helios/api';
import { pendingLaunches } from '@helios/cell-agent';
import { createLogger } from '@helios/config';
import { launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { inProcessFleet, SimCloudServer, SimProvider } from '@helios/sim';
import { Keys, LeasePool, ResourceStore, connectEtcd, type Etcd3 } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const logger = createLogger('launch-crash-test', process.env.TEST_LOG_LEVEL ?? 'silent');

describe('a cell agent killed between its launch intent and the cloud answer', () => {
  let client: Etcd3;
  let leases: LeasePool;
  const procs: ComponentProcess[] = [];
  beforeAll(() => {
    client = connectEtcd(inject('etcdEndpoint'));
    leases = new LeasePool(client, { streams: 1 });
  });
  afterAll(async () => {
    for (const proc of procs) await proc.stop('SIGKILL');
    leases.close();
    client.close();
  });

  it('leaves exactly one instance once a restarted agent repeats the recorded launch', async () => {
    const root = `/t/${randomUUID()}/helios/v1`;
    const keys = new Keys(root);
    const store = new ResourceStore(client, keys);
    // The cloud lives here, not in the agent: it outlives the agent as a real cloud does.
    const sim = new SimProvider({ launchLatencyMs: 0 });
    const cloud = await SimCloudServer.start(sim);
    const { fleet: nodes, close: closeFleet } = await inProcessFleet({ client, keys, store, logger }, sim, { nodeLeaseTtl: 2 });
    nodes.start();
    // The cloud makes the instance, then never answers the first launch: the agent dies waiting.
    let withhold = true;
    cloud.beforeAnswer = (method) => (method === 'launch' && withhold ? new Promise<void>(() => undefined) : undefined);

    await store.create('cell', Cell.fromPartial({ metadata: { name: 'c1' }, spec: { provider: 'sim', region: 'sim-1', zones: ['sim-1a'] } }));
    await store.create('nodePool', NodePool.fromPartial({ metadata: { name: 'od', generation: 1 }, spec: { cell: 'c1', gpuType: 'h100', gpusPerNode: 8, tier: Tier.TIER_ON_DEMAND, min: 1, max: 1 } }));
    const logs = mkdtempSync(join(tmpdir(), 'helios-launch-crash-'));
    const start = (id: string) => {
      const proc = launchComponent({
        name: `cell-agent-${id}`,
        entry: 'apps/cell-agent/src/main.ts',
        args: ['--etcd', inject('etcdEndpoint'), '--cell', 'c1', '--root', root, '--sim-url', cloud.url, '--lease-ttl', '2', '--id', id, '--resync-ms', '500'],
        env: { HELIOS_LOG_FORMAT: 'json' },
        logFile: join(logs, `${id}.log`),
      });
      procs.push(proc);
      return proc;
    };

    const first = start('first');
    const intent = await waitFor(`the launch intent in etcd (logs in ${logs})`, async () => pendingLaunches((await store.get('nodePool', 'od', 'c1'))!)[0], 30_000, 50);
    await waitFor('the cloud to have launched', async () => (await sim.list('c1')).length === 1, 30_000, 50);
    const [made] = await sim.list('c1');
    expect(made!.token).toBe(intent.token);
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');

    withhold = false;
    start('second');
    await waitFor(`the pool Ready with its launch settled (logs in ${logs})`, async () => {
      const pool = await store.get('nodePool', 'od', 'c1');
      return pool?.status?.ready === 1 && pendingLaunches(pool).length === 0;
    }, 30_000, 50);

    const launches = sim.calls.flatMap((c) => (c.method === 'launch' ? [c.request.token] : []));
    // The restarted agent repeated the recorded launch (more than once, from a cache a write behind,
    // is harmless): never a launch with another token.
    expect(launches.length).toBeGreaterThanOrEqual(2);
    expect(new Set(launches)).toEqual(new Set([intent.token]));
    const instances = await sim.list('c1');
    expect(instances.map((i) => i.id)).toEqual([made!.id]);
    expect((await store.list('node', 'c1')).items.map((n) => n.spec?.providerId)).toEqual([made!.id]);

    await closeFleet();
    await cloud.stop();
    sim.close();
  });
});
