import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { credentials, loadPackageDefinition, makeClientConstructor, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Cell, CellPhase, EventType, Kind, NodePool, OperatorServiceService, Tier, unwrap, wrap, type WatchEvent } from '@helios/api';
import { waitFor } from '@helios/launcher';
import { connectEtcd, Keys, type Etcd3 } from '@helios/store';
import { service as healthService } from 'grpc-health-check';
import { FileDescriptorProto } from 'ts-proto-descriptors';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningControlPlane } from './control-plane';
import { bootControlPlane } from './testing/boot';
import { TestOperatorClient } from './testing/operator-client';

const endpoint = inject('etcdEndpoint');
const root = `/t/${randomUUID()}/helios/v1`;
let cp: RunningControlPlane;
let client: TestOperatorClient;
let etcd: Etcd3;

beforeAll(async () => {
  cp = await bootControlPlane(endpoint, { root });
  client = new TestOperatorClient(cp.grpcPort);
  etcd = connectEtcd(endpoint);
});

afterAll(async () => {
  client?.close();
  await cp?.close();
  etcd?.close();
});

const pool = (name: string, spec: Partial<NodePool['spec']> = {}, labels: Record<string, string> = {}, resourceVersion = 0) =>
  wrap(
    'nodePool',
    NodePool.fromPartial({
      metadata: { name, labels, resourceVersion },
      spec: { cell: 'c1', gpuType: 'h100', instanceType: 'p5.48xlarge', gpusPerNode: 8, tier: Tier.TIER_ON_DEMAND, min: 0, max: 4, ...spec },
    }),
  );

const cell = (name: string) => wrap('cell', Cell.fromPartial({ metadata: { name }, spec: { provider: 'sim' } }));

/** The gRPC status code of a failed call. */
async function codeOf(call: Promise<unknown>): Promise<{ code: status; details: string }> {
  try {
    await call;
  } catch (err) {
    const e = err as ServiceError;
    return { code: e.code, details: e.details };
  }
  throw new Error('expected the call to fail');
}

describe('OperatorService.Apply', () => {
  it('creates, then reports unchanged, then configures', async () => {
    const created = await client.apply({ resource: pool('apply-a') });
    expect(created.result).toBe('created');
    const meta = unwrap(created.resource)!.resource.metadata!;
    expect(meta.generation).toBe(1);
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.resourceVersion).toBeGreaterThan(0);
    expect(meta.createdAt).toBeDefined();

    const again = await client.apply({ resource: pool('apply-a') });
    expect(again.result).toBe('unchanged');
    expect(unwrap(again.resource)!.resource.metadata!.resourceVersion).toBe(meta.resourceVersion);

    const labelled = await client.apply({ resource: pool('apply-a', {}, { team: 'ml' }) });
    expect(labelled.result).toBe('configured');
    expect(unwrap(labelled.resource)!.resource.metadata!.generation).toBe(1);

    const scaled = await client.apply({ resource: pool('apply-a', { max: 8 }, { team: 'ml' }) });
    expect(scaled.result).toBe('configured');
    const scaledMeta = unwrap(scaled.resource)!.resource.metadata!;
    expect([scaledMeta.generation, scaledMeta.uid, scaledMeta.createdAt]).toEqual([2, meta.uid, meta.createdAt]);

    const read = await client.get({ kind: Kind.KIND_NODE_POOL, name: 'apply-a', parent: 'c1' });
    expect(read.kind?.$case === 'nodePool' && read.kind.nodePool.spec?.max).toBe(8);
  });

  it('applies only at the resourceVersion the request names (ABORTED when stale)', async () => {
    const created = await client.apply({ resource: pool('apply-cas') });
    const rv = unwrap(created.resource)!.resource.metadata!.resourceVersion;
    const updated = await client.apply({ resource: pool('apply-cas', { max: 5 }, {}, rv) });
    expect(updated.result).toBe('configured');

    const stale = await codeOf(client.apply({ resource: pool('apply-cas', { max: 6 }, {}, rv) }));
    expect(stale.code).toBe(status.ABORTED);
    expect(stale.details).toContain(`resourceVersion ${rv} is stale`);
    const read = await client.get({ kind: Kind.KIND_NODE_POOL, name: 'apply-cas', parent: 'c1' });
    expect(read.kind?.$case === 'nodePool' && read.kind.nodePool.spec?.max).toBe(5);

    const gone = await codeOf(client.apply({ resource: pool('apply-never', {}, {}, 42) }));
    expect(gone.code).toBe(status.NOT_FOUND);
  });

  it('rejects an invalid resource with the field paths and writes nothing', async () => {
    const bad = await codeOf(client.apply({ resource: pool('gpu-a', { min: 3, max: 2 }) }));
    expect(bad).toEqual({ code: status.INVALID_ARGUMENT, details: 'NodePool "gpu-a": spec.min: must be <= spec.max (3 > 2)' });
    const many = await codeOf(client.apply({ resource: pool('gpu-b', { tier: Tier.TIER_UNSPECIFIED, gpusPerNode: 0 }) }));
    expect(many.code).toBe(status.INVALID_ARGUMENT);
    expect(many.details).toMatch(/^NodePool "gpu-b": spec\.gpusPerNode: .*; spec\.tier: is required/);
    for (const name of ['gpu-a', 'gpu-b']) {
      expect((await codeOf(client.get({ kind: Kind.KIND_NODE_POOL, name, parent: 'c1' }))).code).toBe(status.NOT_FOUND);
    }
    const keys = await etcd.getAll().prefix(new Keys(root).prefix('nodePool', 'c1')).keys();
    expect(keys.filter((k) => k.endsWith('/gpu-a') || k.endsWith('/gpu-b'))).toEqual([]);
  });

  it('rejects an invalid update and keeps the stored object', async () => {
    await client.apply({ resource: pool('apply-inv') });
    const bad = await codeOf(client.apply({ resource: pool('apply-inv', { max: -1 }) }));
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toContain('spec.max: must not be negative');
    const read = await client.get({ kind: Kind.KIND_NODE_POOL, name: 'apply-inv', parent: 'c1' });
    expect(read.kind?.$case === 'nodePool' && read.kind.nodePool.spec?.max).toBe(4);
  });

  it.each([
    { name: 'no resource', resource: undefined, want: 'resource: one resource of a known kind is required' },
    { name: 'empty resource', resource: { kind: undefined }, want: 'resource: one resource of a known kind is required' },
  ])('rejects $name', async ({ resource, want }) => {
    const result = await codeOf(client.apply({ resource }));
    expect(result.code).toBe(status.INVALID_ARGUMENT);
    expect(result.details).toContain(want);
  });

  it('writes nothing on a dry run', async () => {
    const dry = await client.apply({ resource: pool('apply-dry'), dryRun: true });
    expect(dry.result).toBe('created');
    expect((await codeOf(client.get({ kind: Kind.KIND_NODE_POOL, name: 'apply-dry', parent: 'c1' }))).code).toBe(status.NOT_FOUND);
    await client.apply({ resource: pool('apply-dry') });
    const dryUpdate = await client.apply({ resource: pool('apply-dry', { max: 9 }), dryRun: true });
    expect(dryUpdate.result).toBe('configured');
    const read = await client.get({ kind: Kind.KIND_NODE_POOL, name: 'apply-dry', parent: 'c1' });
    expect(read.kind?.$case === 'nodePool' && read.kind.nodePool.spec?.max).toBe(4);
  });

  it('ignores the status a request carries', async () => {
    const withStatus = NodePool.fromPartial({ ...(unwrap(pool('apply-status'))!.resource as NodePool), status: { desired: 99 } });
    const created = await client.apply({ resource: wrap('nodePool', withStatus) });
    expect(unwrap(created.resource)!.resource.status).toBeUndefined();
  });
});

describe('OperatorService.Get / List / Delete', () => {
  beforeAll(async () => {
    await client.apply({ resource: pool('shared', { cell: 'c1' }, { owner: 'ml' }) });
    await client.apply({ resource: pool('shared', { cell: 'c2' }, { owner: 'infra' }) });
    await client.apply({ resource: pool('only-c2', { cell: 'c2' }, { owner: 'ml' }) });
  });

  it('finds a child by name when no parent is given, and refuses an ambiguous name', async () => {
    const found = await client.get({ kind: Kind.KIND_NODE_POOL, name: 'only-c2', parent: '' });
    expect(found.kind?.$case === 'nodePool' && found.kind.nodePool.spec?.cell).toBe('c2');
    const ambiguous = await codeOf(client.get({ kind: Kind.KIND_NODE_POOL, name: 'shared', parent: '' }));
    expect(ambiguous.code).toBe(status.INVALID_ARGUMENT);
    expect(ambiguous.details).toContain('exists in 2 cells (c1, c2)');
  });

  it.each([
    { name: 'missing object', kind: Kind.KIND_NODE_POOL, objectName: 'nope', parent: 'c1', code: status.NOT_FOUND, details: 'NodePool "nope" in cell "c1" not found' },
    { name: 'unknown kind', kind: 42 as Kind, objectName: 'x', parent: '', code: status.INVALID_ARGUMENT, details: 'kind: must be one of' },
    { name: 'unspecified kind', kind: Kind.KIND_UNSPECIFIED, objectName: 'x', parent: '', code: status.INVALID_ARGUMENT, details: 'got 0' },
    { name: 'bad name', kind: Kind.KIND_CELL, objectName: 'A/B', parent: '', code: status.INVALID_ARGUMENT, details: 'Cell "A/B": name: must be a DNS-1123 label' },
    { name: 'parent on a cell', kind: Kind.KIND_CELL, objectName: 'c1', parent: 'x', code: status.INVALID_ARGUMENT, details: 'parent: must be empty' },
  ])('Get fails on $name', async ({ kind, objectName, parent, code, details }) => {
    const result = await codeOf(client.get({ kind, name: objectName, parent }));
    expect(result.code).toBe(code);
    expect(result.details).toContain(details);
  });

  it('lists by parent and by label selector', async () => {
    const names = (items: { kind?: unknown }[]) =>
      items.map((r) => unwrap(r as never)!.resource).map((p) => `${(p.spec as { cell: string }).cell}/${p.metadata!.name}`).sort();
    const all = await client.list({ kind: Kind.KIND_NODE_POOL });
    expect(all.resourceVersion).toBeGreaterThan(0);
    expect(names(all.items)).toEqual(expect.arrayContaining(['c1/shared', 'c2/shared', 'c2/only-c2']));
    expect(names((await client.list({ kind: Kind.KIND_NODE_POOL, parent: 'c2' })).items)).toEqual(['c2/only-c2', 'c2/shared']);
    expect(names((await client.list({ kind: Kind.KIND_NODE_POOL, labelSelector: { owner: 'ml' } })).items)).toEqual(['c1/shared', 'c2/only-c2']);
    expect(names((await client.list({ kind: Kind.KIND_NODE_POOL, parent: 'c2', labelSelector: { owner: 'ml' } })).items)).toEqual(['c2/only-c2']);
    const badSelector = await codeOf(client.list({ kind: Kind.KIND_NODE_POOL, labelSelector: { 'bad key': 'x' } }));
    expect(badSelector.code).toBe(status.INVALID_ARGUMENT);
  });

  it('deletes, honouring the resourceVersion', async () => {
    const created = await client.apply({ resource: pool('del-a') });
    const rv = unwrap(created.resource)!.resource.metadata!.resourceVersion;
    await client.apply({ resource: pool('del-a', { max: 7 }) });
    const stale = await codeOf(client.delete({ kind: Kind.KIND_NODE_POOL, name: 'del-a', parent: 'c1', resourceVersion: rv }));
    expect(stale.code).toBe(status.ABORTED);
    const deleted = await client.delete({ kind: Kind.KIND_NODE_POOL, name: 'del-a', parent: 'c1' });
    expect(unwrap(deleted.resource)!.resource.metadata!.name).toBe('del-a');
    expect((await codeOf(client.delete({ kind: Kind.KIND_NODE_POOL, name: 'del-a', parent: 'c1' }))).code).toBe(status.NOT_FOUND);
    expect((await codeOf(client.get({ kind: Kind.KIND_NODE_POOL, name: 'del-a', parent: 'c1' }))).code).toBe(status.NOT_FOUND);
  });
});

describe('OperatorService.Watch', () => {
  it('sends the current objects, then changes, filtered by labels; ends cleanly on cancel', async () => {
    await client.apply({ resource: pool('w-1', { cell: 'cw' }, { app: 'w' }) });
    await client.apply({ resource: pool('w-other', { cell: 'cw' }, { app: 'other' }) });
    const stream = client.watch({ kind: Kind.KIND_NODE_POOL, parent: 'cw', labelSelector: { app: 'w' }, sendInitialEvents: true });
    const events: WatchEvent[] = [];
    stream.on('data', (event: WatchEvent) => events.push(event));
    const ended = new Promise<ServiceError | undefined>((resolve) => {
      stream.on('error', (err: ServiceError) => resolve(err));
      stream.on('end', () => resolve(undefined));
    });
    const seen = () => events.map((e) => `${EventType[e.type]}:${unwrap(e.resource)!.resource.metadata!.name}`);
    await waitFor('the initial event', () => seen().length === 1);
    expect(seen()).toEqual(['EVENT_TYPE_ADDED:w-1']);

    await client.apply({ resource: pool('w-1', { cell: 'cw', max: 6 }, { app: 'w' }) });
    await client.apply({ resource: pool('w-2', { cell: 'cw' }, { app: 'w' }) });
    await client.apply({ resource: pool('w-other', { cell: 'cw', max: 9 }, { app: 'other' }) });
    await client.apply({ resource: pool('w-other', { cell: 'cw', max: 9 }, { app: 'w' }) });
    await client.delete({ kind: Kind.KIND_NODE_POOL, name: 'w-2', parent: 'cw' });
    await client.apply({ resource: pool('w-1', { cell: 'cw', max: 6 }, { app: 'gone' }) });
    const want = [
      'EVENT_TYPE_ADDED:w-1',
      'EVENT_TYPE_MODIFIED:w-1',
      'EVENT_TYPE_ADDED:w-2',
      'EVENT_TYPE_ADDED:w-other',
      'EVENT_TYPE_DELETED:w-2',
      'EVENT_TYPE_DELETED:w-1',
    ];
    await waitFor('all watch events', () => seen().length >= want.length);
    expect(seen()).toEqual(want);
    expect(events[1]!.resourceVersion).toBeGreaterThan(events[0]!.resourceVersion);

    stream.cancel();
    const end = await ended;
    expect(end?.code).toBe(status.CANCELLED);
  });

  it('replays objects changed after the given resourceVersion', async () => {
    const first = await client.apply({ resource: pool('rv-1', { cell: 'crv' }) });
    const rv = unwrap(first.resource)!.resource.metadata!.resourceVersion;
    await client.apply({ resource: pool('rv-2', { cell: 'crv' }) });
    const stream = client.watch({ kind: Kind.KIND_NODE_POOL, parent: 'crv', resourceVersion: rv });
    const events: WatchEvent[] = [];
    stream.on('data', (event: WatchEvent) => events.push(event));
    stream.on('error', () => undefined);
    await waitFor('the replayed change', () => events.length === 1);
    expect(unwrap(events[0]!.resource)!.resource.metadata!.name).toBe('rv-2');
    stream.cancel();
  });
});

describe('gRPC health and reflection', () => {
  it('reports SERVING for the server and the operator service', async () => {
    const HealthClient = makeClientConstructor(healthService, 'grpc.health.v1.Health');
    const health = new HealthClient(`127.0.0.1:${cp.grpcPort}`, credentials.createInsecure()) as unknown as Client & {
      check(req: { service: string }, cb: (err: ServiceError | null, res?: { status: string }) => void): void;
    };
    const check = (service: string) => new Promise<string | undefined>((ok, fail) => health.check({ service }, (err, res) => (err ? fail(err) : ok(res?.status))));
    expect(await check('')).toBe('SERVING');
    expect(await check('helios.v1.OperatorService')).toBe('SERVING');
    health.close();
  });

  it('lists helios.v1.OperatorService and describes its file', async () => {
    const protoPath = resolve(require.resolve('@grpc/reflection'), '../../proto/grpc/reflection/v1/reflection.proto');
    const definition = loadSync(protoPath, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
    type ReflectionCtor = new (addr: string, creds: ReturnType<typeof credentials.createInsecure>) => Client & {
      ServerReflectionInfo(): import('@grpc/grpc-js').ClientDuplexStream<Record<string, unknown>, Record<string, unknown>>;
    };
    const pkg = loadPackageDefinition(definition) as unknown as { grpc: { reflection: { v1: { ServerReflection: ReflectionCtor } } } };
    const reflection = new pkg.grpc.reflection.v1.ServerReflection(`127.0.0.1:${cp.grpcPort}`, credentials.createInsecure());
    const ask = (request: Record<string, unknown>) =>
      new Promise<Record<string, unknown>>((ok, fail) => {
        const call = reflection.ServerReflectionInfo();
        call.on('data', (response: Record<string, unknown>) => {
          ok(response);
          call.end();
        });
        call.on('error', fail);
        call.write(request);
      });
    const listed = (await ask({ list_services: '' })) as { list_services_response: { service: { name: string }[] } };
    expect(listed.list_services_response.service.map((s) => s.name)).toContain('helios.v1.OperatorService');
    const described = (await ask({ file_containing_symbol: 'helios.v1.OperatorService' })) as { file_descriptor_response?: { file_descriptor_proto: Buffer[] } };
    const files = (described.file_descriptor_response?.file_descriptor_proto ?? []).map((bytes) => FileDescriptorProto.decode(bytes));
    const services = files.flatMap((f) => f.service.map((svc) => ({ name: `${f.package}.${svc.name}`, methods: svc.method.map((m) => m.name) })));
    // Every RPC of the generated service definition, by its wire name (`/helios.v1.OperatorService/Apply` -> Apply).
    const methods = Object.values(OperatorServiceService).map((m) => m.path.split('/').pop());
    expect(services).toContainEqual({ name: 'helios.v1.OperatorService', methods });
    reflection.close();
  });
});

describe('HTTP endpoints', () => {
  it('serves request metrics on /metrics and health on /healthz', async () => {
    await client.list({ kind: Kind.KIND_CELL });
    const metrics = await (await fetch(`http://127.0.0.1:${cp.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/helios_grpc_requests_total\{method="List",code="OK"\} \d+/);
    expect(metrics).toMatch(/helios_grpc_requests_total\{method="Apply",code="INVALID_ARGUMENT"\} \d+/);
    expect(metrics).toContain('helios_grpc_request_duration_seconds_bucket');
    expect(metrics).toContain('process_cpu_user_seconds_total');
    expect(metrics).toContain('helios_control_plane_is_leader');
    const healthz = await fetch(`http://127.0.0.1:${cp.metricsPort}/healthz`);
    expect(healthz.status).toBe(200);
    expect(await healthz.json()).toMatchObject({ status: 'ok' });
  });
});

describe('cell liveness controller', () => {
  it('marks a cell Ready while its agent key exists and Unreachable when it goes', async () => {
    await client.apply({ resource: cell('live-1') });
    const phaseOf = async () => {
      const read = await client.get({ kind: Kind.KIND_CELL, name: 'live-1', parent: '' });
      return read.kind?.$case === 'cell' ? read.kind.cell.status : undefined;
    };
    await waitFor('Unreachable without an agent', async () => (await phaseOf())?.phase === CellPhase.CELL_PHASE_UNREACHABLE);

    const agentKey = new Keys(root).agent('live-1');
    await etcd.put(agentKey).value('agent-7');
    const ready = await waitFor('Ready with an agent', async () => {
      const s = await phaseOf();
      return s?.phase === CellPhase.CELL_PHASE_READY ? s : undefined;
    });
    expect([ready.agentLive, ready.agentId]).toEqual([true, 'agent-7']);

    await etcd.delete().key(agentKey);
    const gone = await waitFor('Unreachable once the agent key is gone', async () => {
      const s = await phaseOf();
      return s?.phase === CellPhase.CELL_PHASE_UNREACHABLE ? s : undefined;
    });
    expect(gone.agentLive).toBe(false);
    const metrics = await (await fetch(`http://127.0.0.1:${cp.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^helios_cells\{phase="Unreachable"\} [1-9]/m);

    // Applying the cell again keeps the status its controller wrote.
    const reapplied = await client.apply({ resource: cell('live-1') });
    expect(reapplied.result).toBe('unchanged');
    expect((await phaseOf())?.phase).toBe(CellPhase.CELL_PHASE_UNREACHABLE);
  });
});
