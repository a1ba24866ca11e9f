/**
 * Watch streams end to end, with a real control-plane process against an etcd of its own (so
 * etcd's watcher count is the control plane's alone): many Watch and WatchEndpoints streams
 * share one etcd watch per kind, and a client that stops reading has its stream cut at the
 * send bound with RESOURCE_EXHAUSTED, without slowing a reading client or holding the server's
 * memory.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { Cell, EventType, Kind, OperatorServiceClient, Replica, ReplicaPhase, unwrap, type WatchEndpointsResponse, type WatchEvent, type WatchRequest } from '@helios/api';
import { freePort, startEtcd } from '@helios/etcd-process';
import { Teardown, launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { connectOperator, type OperatorApi } from '@helios/operator-client';
import { Keys, ResourceStore, connectEtcd } from '@helios/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLeading } from '../shared/control-plane-health';

const MiB = 1024 * 1024;
// A small bound, so a paused client passes it after a few writes of large objects.
const WATCH_BUFFER_BYTES = 2 * MiB;

const teardown = new Teardown(() => undefined);
let etcdEndpoint: string;
let metricsUrl: string;
let grpcAddr: string;
let controlPlane: ComponentProcess;
let api: OperatorApi;
let store: ResourceStore;
let logDir: string;

beforeAll(async () => {
  logDir = mkdtempSync(join(tmpdir(), 'helios-e2e-watch-'));
  const etcd = await startEtcd({ logFile: join(logDir, 'etcd.log') });
  teardown.add('stopping etcd', () => etcd.stop());
  etcdEndpoint = etcd.endpoint;
  const root = `/e2e/${randomUUID()}/helios/v1`;
  const client = connectEtcd(etcdEndpoint);
  teardown.add('closing the etcd client', () => client.close());
  store = new ResourceStore(client, new Keys(root));

  grpcAddr = `127.0.0.1:${await freePort()}`;
  const metricsAddr = `127.0.0.1:${await freePort()}`;
  metricsUrl = `http://${metricsAddr}`;
  controlPlane = launchComponent({
    name: 'control-plane',
    entry: 'apps/control-plane/src/main.ts',
    args: ['--etcd', etcdEndpoint, '--root', root, '--grpc-addr', grpcAddr, '--metrics-addr', metricsAddr, '--watch-buffer-bytes', String(WATCH_BUFFER_BYTES)],
    env: { HELIOS_LOG_FORMAT: 'json' },
    logFile: join(logDir, 'control-plane.log'),
  });
  teardown.add('stopping the control plane', () => controlPlane.stop('SIGTERM', 10_000));
  api = connectOperator(grpcAddr, { timeoutMs: 5_000 });
  teardown.add('closing the API client', () => api.close());
  // Leading, its controllers hold their watches: from here etcd's watcher count changes only with the API's streams.
  await waitFor(`the control plane to lead (logs: ${logDir})`, () => isLeading(metricsUrl), 30_000, 100);
}, 60_000);

afterAll(() => teardown.run(), 60_000);

/** etcd's count of open watchers (all of them the control plane's: this etcd serves nothing else). */
async function etcdWatchers(): Promise<number> {
  const text = await (await fetch(`${etcdEndpoint}/metrics`)).text();
  const match = /^etcd_debugging_mvcc_watcher_total (\d+)/m.exec(text);
  if (!match) throw new Error('etcd_debugging_mvcc_watcher_total missing from etcd /metrics');
  return Number(match[1]);
}

/** The control plane's resident memory, bytes, from /proc/<pid>/status. */
function controlPlaneRss(): number {
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${controlPlane.child.pid}/status`, 'utf8'))?.[1];
  if (!kib) throw new Error(`no VmRSS in /proc/${controlPlane.child.pid}/status`);
  return Number(kib) * 1024;
}

/** The control plane's count of Watch calls that ended with RESOURCE_EXHAUSTED. */
async function watchesCut(): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  return Number(/^helios_grpc_requests_total\{method="Watch",code="RESOURCE_EXHAUSTED"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

const cellsRequest: WatchRequest = { kind: Kind.KIND_CELL, parent: '', labelSelector: {}, resourceVersion: 0, sendInitialEvents: true };
const nameOf = (event: WatchEvent) => unwrap(event.resource)?.resource.metadata?.name;

describe('watch streams end to end', () => {
  it('serves 100 Watch and 10 WatchEndpoints streams with one etcd watch per kind', async () => {
    await store.create('cell', Cell.fromPartial({ metadata: { name: 'seed' }, spec: { provider: 'sim' } }));
    // The count of a quiet control plane: two readings alike, a moment apart.
    const before = await waitFor('a steady etcd watcher count', async () => {
      const first = await etcdWatchers();
      await new Promise((resolve) => setTimeout(resolve, 200));
      return first === (await etcdWatchers()) ? first : undefined;
    }, 10_000, 0);

    const watches: { stream: ClientReadableStream<WatchEvent>; names: string[] }[] = [];
    for (let i = 0; i < 100; i++) {
      const stream = api.raw.watch(cellsRequest);
      const names: string[] = [];
      stream.on('data', (event: WatchEvent) => names.push(`${EventType[event.type]}:${nameOf(event)}`));
      stream.on('error', () => undefined);
      watches.push({ stream, names });
    }
    const routers: { stream: ClientReadableStream<WatchEndpointsResponse>; messages: WatchEndpointsResponse[] }[] = [];
    for (let i = 0; i < 10; i++) {
      const stream = api.raw.watchEndpoints({ deployment: 'web' });
      const messages: WatchEndpointsResponse[] = [];
      stream.on('data', (message: WatchEndpointsResponse) => messages.push(message));
      stream.on('error', () => undefined);
      routers.push({ stream, messages });
    }
    try {
      // Each stream is live once its first message is in: the seed cell, the empty endpoint set.
      await waitFor('every Watch stream to send the seed cell', () => watches.every((w) => w.names.includes('EVENT_TYPE_ADDED:seed')), 20_000, 50);
      await waitFor('every WatchEndpoints stream to send its reset', () => routers.every((r) => r.messages[0]?.reset === true), 20_000, 50);

      await store.create('cell', Cell.fromPartial({ metadata: { name: 'probe' }, spec: { provider: 'sim' } }));
      await store.create(
        'replica',
        Replica.fromPartial({ metadata: { name: 'web-1' }, spec: { deployment: 'web', revision: 1, cell: 'seed', node: 'n1' }, status: { phase: ReplicaPhase.REPLICA_PHASE_READY, endpoint: '127.0.0.1:9001' } }),
      );
      await waitFor('every Watch stream to send the new cell', () => watches.every((w) => w.names.includes('EVENT_TYPE_ADDED:probe')), 20_000, 50);
      await waitFor('every WatchEndpoints stream to send the new endpoint', () =>
        routers.every((r) => r.messages.some((m) => !m.reset && m.added.some((e) => e.address === '127.0.0.1:9001'))),
        20_000,
        50,
      );

      // 110 streams over two kinds: at most one more etcd watch per kind (cells are already
      // followed by the cell liveness controller), not one per stream.
      const after = await etcdWatchers();
      expect(after - before).toBeLessThanOrEqual(2);
    } finally {
      for (const { stream } of [...watches, ...routers]) stream.cancel();
    }
  }, 30_000);

  it('cuts a client that stops reading with RESOURCE_EXHAUSTED, while a reading client gets every change, in bounded memory', async () => {
    // 240 KiB of annotations: a large object (the limit is 256 KiB), written again and again.
    const blobs = Object.fromEntries(['a', 'b', 'c', 'd'].map((k) => [k, k.repeat(60 * 1024)]));
    const bigCell = (seq: number) => ({ metadata: { name: 'big', annotations: { ...blobs, seq: String(seq) } }, spec: { provider: 'sim' } });
    await store.create('cell', Cell.fromPartial(bigCell(0)));
    const write = (seq: number) => store.mutate('cell', 'big', undefined, (cell) => ({ ...cell, metadata: { ...cell.metadata!, annotations: bigCell(seq).metadata.annotations } }));
    const seqOf = (event: WatchEvent) => Number(unwrap(event.resource)?.resource.metadata?.annotations?.seq ?? -1);

    const reader = api.raw.watch(cellsRequest);
    const seen: number[] = [];
    let onSeen = () => undefined as void;
    reader.on('data', (event: WatchEvent) => {
      if (nameOf(event) !== 'big' || event.type === EventType.EVENT_TYPE_DELETED || seen.at(-1) === seqOf(event)) return;
      seen.push(seqOf(event));
      onSeen();
    });
    reader.on('error', () => undefined);
    /** Writes the big cell again and resolves once the reader has it: a client that keeps up. */
    const writeAndRead = async (seq: number) => {
      const read = new Promise<void>((resolve) => (onSeen = () => seen.at(-1) === seq && resolve()));
      await write(seq);
      await read;
    };
    // Its own connection, as a client in another process has: a paused stream holds back its
    // connection's flow-control window, which would stall the reader on a shared one.
    const pausedClient = new OperatorServiceClient(grpcAddr, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
    let paused: ClientReadableStream<WatchEvent> | undefined;
    try {
      await waitFor('the reader to see the big cell', () => seen.includes(0), 10_000, 20);
      // Warm up the server's allocator with the reader alone.
      for (let seq = 1; seq <= 20; seq++) await writeAndRead(seq);
      // The paused client reads its first event (its stream is live), then stops reading. Having
      // read is what makes grpc-js hold the transport back for it: a call never read at all
      // takes in everything, in the client's memory.
      const stream = (paused = pausedClient.watch(cellsRequest));
      const pausedEnd = new Promise<ServiceError>((resolve) => stream.on('error', resolve));
      let pausedEvents = 0;
      await new Promise<void>((resolve) =>
        stream.once('data', () => {
          stream.pause();
          pausedEvents++;
          resolve();
        }),
      );
      expect(await watchesCut()).toBe(0);

      // Writes go on until the server has cut the paused stream, then some more to let the
      // process settle (its heap grows once, early, whatever the streams do); from there, its
      // memory must not grow with the writes that go past the paused client.
      let seq = 20;
      while ((await watchesCut()) === 0) {
        if (seq >= 170) throw new Error(`the paused stream was not cut after ${seq - 20} writes of 240 KiB (logs: ${logDir})`);
        await writeAndRead(++seq);
      }
      for (const settled = seq + 20; seq < settled; ) await writeAndRead(++seq);
      const baseline = controlPlaneRss();
      const writes = 300;
      let peak = baseline;
      for (const last = seq + writes; seq < last; ) {
        await writeAndRead(++seq);
        if (seq % 10 === 0) peak = Math.max(peak, controlPlaneRss());
      }
      // Every change reached the reader, in order; only the paused stream was cut.
      expect(seen).toEqual(Array.from({ length: seq + 1 }, (_, i) => i));
      expect(await watchesCut()).toBe(1);
      // 300 writes of 240 KiB (70 MiB) went past the paused client. Holding them, the server
      // grew by about 75 MiB here; bounded, it moved by 5 to 10 MiB on a quiet machine and by up
      // to 37 MiB under a full test run's load (heap growth from serving the reader, not kept).
      // So the bound is what holding the backlog would take; the exact proof that nothing was
      // kept is what the paused client gets when it reads again, below.
      expect(peak - baseline).toBeLessThan(writes * 240 * 1024);

      // Once it reads again it gets what was on its way (its own buffer, the transport's, the
      // server's bound: some 25 of these objects), then the status; held, it would get them all.
      stream.on('data', () => pausedEvents++);
      stream.resume();
      const end = await pausedEnd;
      expect(end.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(end.details).toContain("list again and watch from the list's resourceVersion");
      expect(pausedEvents).toBeLessThan(60);
    } finally {
      reader.cancel();
      paused?.cancel();
      pausedClient.close();
    }
  }, 30_000);
});
