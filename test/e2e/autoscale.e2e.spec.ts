/**
 * The autoscaling loop with real processes: a control plane and a router against the test run's
 * etcd. The test plays the node agent (it marks the deployment's replica Ready at the address of
 * a slow upstream it serves itself), then sends requests through the router that the upstream
 * holds: the router reports them in flight, and the control plane's autoscaler grows the
 * deployment.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deployment, ReplicaPhase, wrap } from '@helios/api';
import { freePort } from '@helios/etcd-process';
import { launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { connectOperator, type OperatorApi } from '@helios/operator-client';
import { connectEtcd, Keys, ResourceStore, type Etcd3 } from '@helios/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

describe('autoscaling end to end', () => {
  const root = `/e2e/${randomUUID()}/helios/v1`;
  const dir = mkdtempSync(join(tmpdir(), 'helios-autoscale-'));
  const procs: ComponentProcess[] = [];
  const held: ServerResponse[] = [];
  let upstream: Server;
  let etcd: Etcd3;
  let store: ResourceStore;
  let api: OperatorApi;
  let routerUrl = '';
  let zeroRouterUrl = '';

  beforeAll(async () => {
    const endpoint = inject('etcdEndpoint');
    etcd = connectEtcd(endpoint);
    store = new ResourceStore(etcd, new Keys(root));
    // The "model server": holds /slow until the test releases it (requests stay in flight), answers the rest at once.
    upstream = createServer((req: IncomingMessage, res: ServerResponse) => (req.url?.startsWith('/slow') ? void held.push(res) : void res.end('ok')));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const [grpcPort, metricsPort, routerPort, zeroRouterPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const server = `127.0.0.1:${grpcPort}`;
    routerUrl = `http://127.0.0.1:${routerPort}`;
    zeroRouterUrl = `http://127.0.0.1:${zeroRouterPort}`;
    procs.push(
      launchComponent({
        name: 'control-plane',
        entry: 'apps/control-plane/src/main.ts',
        args: ['--etcd', endpoint, '--root', root, '--grpc-addr', server, '--metrics-addr', `127.0.0.1:${metricsPort}`, '--autoscaler-tick-ms', '500'],
        env: { HELIOS_LOG_FORMAT: 'json' },
        logFile: join(dir, 'control-plane.log'),
      }),
      launchComponent({
        name: 'router',
        entry: 'apps/router/src/main.ts',
        args: ['--listen', `127.0.0.1:${routerPort}`, '--server', server, '--deployment', 'chat', '--report-interval-ms', '300', '--reporter-id', 'router-e2e'],
        env: { HELIOS_LOG_FORMAT: 'json' },
        logFile: join(dir, 'router.log'),
      }),
      launchComponent({
        name: 'router/zero',
        entry: 'apps/router/src/main.ts',
        args: ['--listen', `127.0.0.1:${zeroRouterPort}`, '--server', server, '--deployment', 'zero', '--report-interval-ms', '300', '--reporter-id', 'router-zero'],
        env: { HELIOS_LOG_FORMAT: 'json' },
        logFile: join(dir, 'router-zero.log'),
      }),
    );
    api = connectOperator(server, { timeoutMs: 5_000 });
    await waitFor(`the control plane to serve (log: ${dir})`, async () => api.list({ kind: 4, parent: '', labelSelector: {} }).then(() => true, () => false), 60_000, 300);
  }, 90_000);

  afterAll(async () => {
    for (const res of held.splice(0)) res.end('late');
    const codes = await Promise.all(procs.map((p) => p.stop('SIGTERM', 10_000)));
    api?.close();
    etcd?.close();
    await new Promise((resolve) => upstream?.close(resolve));
    expect(codes).toEqual([0, 0, 0]);
  });

  it('grows a deployment when the router reports more requests in flight than its target', async () => {
    await api.apply({
      dryRun: false,
      resource: wrap('deployment', Deployment.fromPartial({ metadata: { name: 'chat' }, spec: { replicas: 1, template: { command: ['serve'], port: 8080 }, autoscaling: { minReplicas: 1, maxReplicas: 6, targetLoad: 1 } } })),
    });
    // The deployment controller creates its one replica; the test, as its node agent, makes it Ready at the upstream.
    const replica = await waitFor('the first replica', async () => (await store.list('replica', 'chat')).items[0], 30_000, 100);
    const address = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    await store.mutate('replica', replica.metadata!.name, 'chat', (r) => ({ ...r, status: { ...r.status!, phase: ReplicaPhase.REPLICA_PHASE_READY, endpoint: address } }));
    await waitFor(`the router to see the endpoint (log: ${dir})`, async () => ((await (await fetch(`${routerUrl}/router/healthz`)).json()) as { endpoints: number }).endpoints === 1, 30_000, 100);

    // Four requests held upstream: 4 in flight on one replica at target 1 -> 4 replicas.
    const requests = Array.from({ length: 4 }, () => fetch(`${routerUrl}/slow`, { method: 'POST', body: '{}' }).then((res) => res.status));
    await waitFor('the upstream to hold four requests', async () => held.length === 4, 30_000, 50);
    const grown = await waitFor(`the deployment to grow (log: ${dir})`, async () => {
      const d = (await store.get('deployment', 'chat'))!;
      return (d.spec?.replicas ?? 0) >= 4 ? d : undefined;
    }, 30_000, 100);
    expect(grown.spec?.replicas).toBe(4);
    // The requests reach the upstream one by one, so the count may climb in more than one step; each is a scale-up.
    const decisions = grown.status?.autoscaling?.decisions ?? [];
    expect(decisions[0]?.fromReplicas).toBe(1);
    expect(decisions.at(-1)?.toReplicas).toBe(4);
    expect(decisions.every((d) => d.toReplicas > d.fromReplicas && ['Panic', 'ScaleUp'].includes(d.reason))).toBe(true);

    for (const res of held.splice(0)) res.end('ok');
    expect(await Promise.all(requests)).toEqual([200, 200, 200, 200]);
  });

  it('answers the first request to a deployment at zero: held by the router, 0 -> 1, forwarded once the replica is Ready', async () => {
    await api.apply({
      dryRun: false,
      resource: wrap('deployment', Deployment.fromPartial({ metadata: { name: 'zero' }, spec: { replicas: 0, template: { command: ['serve'], port: 8080 }, autoscaling: { minReplicas: 0, maxReplicas: 3, targetLoad: 1 } } })),
    });
    await waitFor(`the router for zero to follow its (empty) set (log: ${dir})`, async () => (await fetch(`${zeroRouterUrl}/router/healthz`)).ok, 30_000, 100);
    const answer = fetch(`${zeroRouterUrl}/v1/infer`, { method: 'POST', body: '{}' }).then(async (res) => [res.status, await res.text()]);
    // The held request is the demand: the autoscaler asks for one replica; the test, as its node agent, makes it Ready.
    const replica = await waitFor(`a replica of zero (log: ${dir})`, async () => (await store.list('replica', 'zero')).items[0], 30_000, 100);
    const woken = (await store.get('deployment', 'zero'))!;
    expect(woken.status?.autoscaling?.decisions[0]).toMatchObject({ fromReplicas: 0, toReplicas: 1, reason: 'ScaleFromZero' });
    const address = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    await store.mutate('replica', replica.metadata!.name, 'zero', (r) => ({ ...r, status: { ...r.status!, phase: ReplicaPhase.REPLICA_PHASE_READY, endpoint: address } }));
    expect(await answer).toEqual([200, 'ok']);
  });
});
