/**
 * Failover end to end, with real processes: the control plane, a cell agent and node-agent
 * processes on sim cloud hosts running model-server replicas, against the test run's etcd. A host
 * is SIGKILLed with its replicas; its node must turn NotReady and the deployment must serve every
 * replica again on the hosts left. Timing is the benchmark's business (`npm run bench:failover`);
 * this test holds the behaviour.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodePhase, ReplicaPhase, type Replica } from '@helios/api';
import { freePort } from '@helios/etcd-process';
import { Teardown, launchComponent, waitFor } from '@helios/launcher';
import { connectOperator } from '@helios/operator-client';
import { Informer, Keys, ResourceStore, connectEtcd } from '@helios/store';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { isLeading } from '../shared/control-plane-health';
import { SERVED_CELL, ServedCell } from '../shared/served-cell';

describe('failover end to end', () => {
  const teardown = new Teardown(() => undefined);
  afterAll(() => teardown.run(), 60_000);

  it('turns a SIGKILLed host NotReady, fails its replicas and serves them again on the other hosts', async () => {
    const etcd = inject('etcdEndpoint');
    const root = `/e2e/${randomUUID()}/helios/v1`;
    const logDir = mkdtempSync(join(tmpdir(), 'helios-e2e-failover-'));
    const client = connectEtcd(etcd);
    teardown.add('closing the etcd client', () => client.close());
    const keys = new Keys(root);
    const store = new ResourceStore(client, keys);

    const grpcAddr = `127.0.0.1:${await freePort()}`;
    const metricsAddr = `127.0.0.1:${await freePort()}`;
    const controlPlane = launchComponent({
      name: 'control-plane',
      entry: 'apps/control-plane/src/main.ts',
      args: ['--etcd', etcd, '--root', root, '--grpc-addr', grpcAddr, '--metrics-addr', metricsAddr],
      env: { HELIOS_LOG_FORMAT: 'json' },
      logFile: join(logDir, 'control-plane.log'),
    });
    teardown.add('stopping the control plane', () => controlPlane.stop('SIGTERM', 10_000));
    const api = connectOperator(grpcAddr, { timeoutMs: 5_000 });
    teardown.add('closing the API client', () => api.close());
    await waitFor(`the control plane to lead (logs: ${logDir})`, () => isLeading(`http://${metricsAddr}`), 60_000, 250);

    // Three hosts of two GPUs, two one-GPU replicas: room for both on the hosts left after one dies.
    const served = new ServedCell(client, keys, api, { etcd, root, controlPlane: grpcAddr, logDir, ttl: 2, nodes: 3, gpusPerNode: 2, replicas: 2 });
    await served.start(teardown, () => undefined);
    const [victim] = served.victims(1);
    const lost = served.all().filter((r) => r.spec?.node === victim).map((r) => r.metadata!.name);
    expect(lost.length).toBeGreaterThan(0);
    // Every state the dead host's replicas pass through, so one the deployment controller has
    // removed by the end still shows how it left.
    const history = new Map<string, Replica[]>(lost.map((name) => [name, []]));
    const watch = new Informer(client, keys, 'replica', { parent: served.deployment, onError: () => undefined });
    watch.on((e) => history.get(e.object.metadata!.name)?.push(e.object));
    await watch.start();
    teardown.add('stopping the replica history watch', () => watch.stop());

    served.kill(victim!);
    const node = await waitFor(`node ${victim} NotReady (logs: ${logDir})`, async () => {
      const n = await store.get('node', victim!, SERVED_CELL);
      return n?.status?.phase === NodePhase.NODE_PHASE_NOT_READY ? n : undefined;
    }, 30_000, 100);
    expect(node.status?.reason).toBe('HeartbeatLost');

    await waitFor(`2 replicas serving on live hosts again (logs: ${logDir})`, () => served.servingNow() >= 2, 60_000, 100);
    const serving = served.all().filter((r) => r.status?.phase === ReplicaPhase.REPLICA_PHASE_READY && !r.metadata?.deletionTime);
    expect(serving.map((r) => r.spec?.node)).not.toContain(victim);
    // The replicas of the dead host were failed, not quietly re-bound: each stayed on the dead
    // host, and its last state (now, or when the deployment controller removed it) is Failed with
    // reason NodeLost.
    for (const name of lost) {
      const current = await store.get('replica', name, served.deployment);
      // Once the watch has seen the removal too, it holds every state the replica had.
      if (!current) await waitFor(`the watch to see ${name} removed`, () => !watch.get(name));
      const states = [...history.get(name)!, ...(current ? [current] : [])];
      expect(new Set(states.map((r) => r.spec?.node))).toEqual(new Set([victim]));
      expect(states.at(-1)?.status).toMatchObject({ phase: ReplicaPhase.REPLICA_PHASE_FAILED, reason: 'NodeLost' });
    }
    // The controller times each replacement when it sees it Ready, a moment after this test may.
    const replaced = () => fetch(`http://${metricsAddr}/metrics`).then(async (res) => Number(/^helios_replica_replacement_seconds_count (\d+)/m.exec(await res.text())?.[1] ?? 0));
    await waitFor('the replacements recorded in helios_replica_replacement_seconds', async () => (await replaced()) >= lost.length, 10_000, 100);
  }, 180_000);
});
