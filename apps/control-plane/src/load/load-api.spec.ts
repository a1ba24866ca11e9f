import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { Deployment, LoadReport, Replica, ReplicaPhase, wrap, type OperatorServiceClient, type RequestReplicasResponse, type StreamLoadResponse } from '@helios/api';
import { waitFor } from '@helios/launcher';
import { connectEtcd, decodeLoadReport, Keys, readPrefix, ResourceStore, type Etcd3 } from '@helios/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningControlPlane } from '../control-plane';
import { bootControlPlane } from '../testing/boot';
import { TestOperatorClient } from '../testing/operator-client';

const endpoint = inject('etcdEndpoint');
const root = `/t/${randomUUID()}/helios/v1`;
const keys = new Keys(root);
let cp: RunningControlPlane;
let client: TestOperatorClient;
let etcd: Etcd3;
let store: ResourceStore;

const autoscaling = { minReplicas: 2, maxReplicas: 10, targetLoad: 4 };

beforeAll(async () => {
  cp = await bootControlPlane(endpoint, { root });
  client = new TestOperatorClient(cp.grpcPort);
  etcd = connectEtcd(endpoint);
  store = new ResourceStore(etcd, keys);
  const template = { command: ['serve'], gpus: 1, gpuType: 'h100' };
  await client.apply({ resource: wrap('deployment', Deployment.fromPartial({ metadata: { name: 'auto' }, spec: { replicas: 2, template, autoscaling } })) });
  await client.apply({ resource: wrap('deployment', Deployment.fromPartial({ metadata: { name: 'fixed' }, spec: { replicas: 1, template } })) });
  // Replicas a node agent would report Ready; the control plane's own controllers may add more.
  for (const name of ['auto-r1', 'auto-r2']) {
    await store.create('replica', Replica.fromPartial({ metadata: { name }, spec: { deployment: 'auto', template }, status: { phase: ReplicaPhase.REPLICA_PHASE_READY } }));
  }
});

afterAll(async () => {
  client?.close();
  await cp?.close();
  etcd?.close();
});

function unary<Req, Res>(method: (req: Req, cb: (err: ServiceError | null, res: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client.raw, request, (err, res) => (err ? reject(err) : resolve(res))));
}
const reportLoad = (report: object) => unary(client.raw.reportLoad.bind(client.raw) as never, { report: LoadReport.fromPartial(report) });
const requestReplicas = (deployment: string, replicas: number, reason: string) =>
  unary<object, RequestReplicasResponse>(client.raw.requestReplicas.bind(client.raw) as never, { deployment, replicas, reason });

async function failure(call: Promise<unknown>): Promise<{ code: status; details: string }> {
  try {
    await call;
  } catch (err) {
    return { code: (err as ServiceError).code, details: (err as ServiceError).details };
  }
  throw new Error('expected the call to fail');
}

const stored = async (deployment: string) => (await readPrefix(etcd, keys.loads(deployment))).kvs;

describe('ReportLoad', () => {
  it('stores the latest report of a reporter on a lease', async () => {
    await reportLoad({ deployment: 'auto', reporter: 'router-1', replicas: [{ replica: 'auto-r1', inFlight: 3 }] });
    await reportLoad({ deployment: 'auto', reporter: 'router-1', replicas: [{ replica: 'auto-r1', inFlight: 5 }, { replica: 'auto-r2', inFlight: 1, gauges: { 'kv-cache': 0.4 } }] });
    const kvs = await stored('auto');
    expect(kvs.map((kv) => kv.key.toString())).toEqual([keys.load('auto', 'router-1')]);
    expect(decodeLoadReport(kvs[0]!.value)?.replicas.map((r) => r.inFlight)).toEqual([5, 1]);
    expect(kvs[0]!.lease).not.toBe('0');
  });

  it.each([
    { name: 'a NaN signal', report: { deployment: 'auto', reporter: 'bad-1', replicas: [{ replica: 'auto-r1', inFlight: NaN }] }, details: 'report.replicas[0].inFlight: must be a finite number, got NaN' },
    { name: 'a negative signal', report: { deployment: 'auto', reporter: 'bad-2', replicas: [{ replica: 'auto-r1', queueDepth: -1 }] }, details: 'report.replicas[0].queueDepth: must not be negative, got -1' },
    { name: 'an infinite gauge', report: { deployment: 'auto', reporter: 'bad-3', replicas: [{ replica: 'auto-r1', gauges: { kv: Infinity } }] }, details: 'report.replicas[0].gauges["kv"]: must be a finite number' },
    { name: 'an unknown deployment', report: { deployment: 'nope', reporter: 'bad-4' }, details: 'report.deployment: deployment "nope" not found' },
    { name: 'an unknown replica', report: { deployment: 'auto', reporter: 'bad-5', replicas: [{ replica: 'auto-r1' }, { replica: 'ghost' }] }, details: 'report.replicas[1].replica: replica "ghost" of deployment "auto" not found' },
  ])('refuses $name with INVALID_ARGUMENT naming the field, and writes nothing', async ({ report, details }) => {
    const err = await failure(reportLoad(report));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain(details);
    expect((await stored(report.deployment)).map((kv) => kv.key.toString()).filter((k) => k.endsWith(report.reporter))).toEqual([]);
  });

  it('accepts a report on a deployment without autoscaling and stores nothing', async () => {
    await reportLoad({ deployment: 'fixed', reporter: 'router-1' });
    expect(await stored('fixed')).toEqual([]);
  });

  it('takes a stream of reports and counts them; a bad one ends the stream', async () => {
    const streamed = (reports: object[]) =>
      new Promise<StreamLoadResponse>((resolve, reject) => {
        const call = (client.raw as OperatorServiceClient).streamLoad((err, res) => (err ? reject(err) : resolve(res!)));
        for (const report of reports) call.write({ report: LoadReport.fromPartial(report) });
        call.end();
      });
    const ok = await streamed([1, 2, 3].map((n) => ({ deployment: 'auto', reporter: 'stream-1', replicas: [{ replica: 'auto-r2', inFlight: n }] })));
    expect(ok.accepted).toBe(3);
    await waitFor('the last streamed report', async () => (await stored('auto')).some((kv) => kv.key.toString().endsWith('stream-1') && decodeLoadReport(kv.value)?.replicas[0]?.inFlight === 3), 5_000, 50);
    const bad = await failure(streamed([{ deployment: 'auto', reporter: 'stream-2' }, { deployment: 'auto', reporter: 'stream-2', heldRequests: -3 }]));
    expect(bad).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(bad.details).toContain('report.heldRequests');
  });
});

describe('RequestReplicas', () => {
  it('records the request clamped to min and max, with its reason', async () => {
    const high = await requestReplicas('auto', 40, 'forecast: launch event at noon');
    expect(high.replicas).toBe(10);
    expect(high.deployment?.status?.autoscaling?.request).toMatchObject({ replicas: 10, reason: 'forecast: launch event at noon' });
    const low = await requestReplicas('auto', 0, 'quiet');
    expect(low.replicas).toBe(2);
    expect((await store.get('deployment', 'auto'))?.status?.autoscaling?.request?.replicas).toBe(2);
  });

  it('refuses a deployment without autoscaling, an unknown one and a negative count', async () => {
    expect(await failure(requestReplicas('fixed', 3, 'x'))).toEqual({ code: status.FAILED_PRECONDITION, details: 'Deployment "fixed" has no spec.autoscaling: set it, or use Scale' });
    expect((await failure(requestReplicas('nope', 3, 'x'))).code).toBe(status.NOT_FOUND);
    expect(await failure(requestReplicas('auto', -1, 'x'))).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('replicas: must be an integer') });
  });
});

describe('Scale of an autoscaled deployment', () => {
  it('is refused: the autoscaler owns the count', async () => {
    const err = await failure(client.scale({ deployment: 'auto', replicas: 5 }));
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.details).toContain('is autoscaled (2..10 replicas)');
  });
});
