import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';
import {
  BootstrapToken,
  Deployment,
  EventType,
  RolloutAction,
  KINDS,
  kindInfoOf,
  metaOf,
  OperatorServiceService,
  parentOf,
  unwrap,
  wrap,
  type AnyResource,
  type ApplyRequest,
  type ApplyResponse,
  type CreateBootstrapTokenRequest,
  type DeleteBootstrapTokenRequest,
  type ListBootstrapTokensRequest,
  type DeleteRequest,
  type DeleteResponse,
  type GetRequest,
  type KindName,
  type ListRequest,
  type ListResponse,
  type OperatorServiceServer,
  type Resource,
  type RolloutRequest,
  type RolloutResponse,
  type ScaleRequest,
  type ScaleResponse,
  type WatchEvent,
  type WatchRequest,
} from '@helios/api';

/** One call the fake server received, in order. */
export type RecordedCall =
  | { method: 'apply'; request: ApplyRequest }
  | { method: 'get'; request: GetRequest }
  | { method: 'list'; request: ListRequest }
  | { method: 'watch'; request: WatchRequest }
  | { method: 'delete'; request: DeleteRequest }
  | { method: 'scale'; request: ScaleRequest }
  | { method: 'rollout'; request: RolloutRequest }
  | { method: 'createBootstrapToken'; request: CreateBootstrapTokenRequest }
  | { method: 'listBootstrapTokens'; request: ListBootstrapTokensRequest }
  | { method: 'deleteBootstrapToken'; request: DeleteBootstrapTokenRequest };

/** When objects seen by the CLI were created: 3 days ago, so AGE prints `3d` for the whole test run. */
export const CREATED_AT = new Date(Date.now() - 3 * 86_400_000 - 60_000).toISOString();

interface Stored {
  kind: KindName;
  parent: string;
  resource: AnyResource;
}

/**
 * A grpc-js OperatorService over an in-memory map, for testing the CLI as a real process against a
 * real socket. It records every request, and refuses a NodePool whose min exceeds max the way the
 * control plane's validation does, so the CLI's error path is exercised end to end.
 */
export class InMemoryOperator {
  readonly calls: RecordedCall[] = [];
  private readonly objects = new Map<string, Stored>();
  private readonly tokens = new Map<string, BootstrapToken>();
  private readonly watchers = new Set<{ request: WatchRequest; call: ServerWritableStream<WatchRequest, WatchEvent> }>();
  private revision = 100;
  private server: Server | undefined;
  /** `127.0.0.1:PORT` once started. */
  address = '';

  async start(): Promise<this> {
    const server = new Server();
    server.addService(OperatorServiceService, this.handlers());
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
    );
    this.server = server;
    this.address = `127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.call.end();
    await new Promise<void>((resolve) => this.server?.tryShutdown(() => resolve()));
  }

  /** Forgets every object and recorded call. */
  reset(): void {
    this.objects.clear();
    this.tokens.clear();
    this.calls.length = 0;
  }

  /** Number of open Watch streams. */
  get watcherCount(): number {
    return this.watchers.size;
  }

  /**
   * Stores an object directly (as a controller would), notifying watchers; returns it as stored.
   * Its generation goes up by one, unless `generation` says what it is (a status-only write).
   */
  put(resource: Resource, options: { generation?: number } = {}): AnyResource {
    const u = unwrap(resource)!;
    const key = this.key(u.name, parentOf(u.name, u.resource), metaOf(u.resource).name);
    const existing = this.objects.get(key);
    const meta = metaOf(u.resource);
    const generation = options.generation ?? (existing ? metaOf(existing.resource).generation : 0) + 1;
    const stored = KINDS[u.name].codec.fromPartial({
      ...u.resource,
      metadata: { ...meta, uid: existing ? metaOf(existing.resource).uid : `uid-${meta.name}`, resourceVersion: ++this.revision, createdAt: CREATED_AT, generation },
    });
    this.objects.set(key, { kind: u.name, parent: parentOf(u.name, stored), resource: stored });
    this.notify(existing ? EventType.EVENT_TYPE_MODIFIED : EventType.EVENT_TYPE_ADDED, u.name, stored);
    return stored;
  }

  private key(kind: KindName, parent: string, name: string): string {
    return `${kind}/${parent}/${name}`;
  }

  private notify(type: EventType, kind: KindName, resource: AnyResource): void {
    for (const w of this.watchers) {
      if (kindInfoOf(w.request.kind)?.name !== kind) continue;
      w.call.write({ type, resource: wrap(kind, resource), resourceVersion: this.revision });
    }
  }

  private find(kind: KindName, name: string, parent: string): Stored | undefined {
    return [...this.objects.values()].find((o) => o.kind === kind && metaOf(o.resource).name === name && (parent === '' || o.parent === parent));
  }

  private handlers(): OperatorServiceServer {
    const fail = (callback: sendUnaryData<never>, code: status, details: string) => callback({ code, details, name: 'Error', message: details, metadata: undefined as never }, null);
    return {
      apply: (call: ServerUnaryCall<ApplyRequest, ApplyResponse>, callback: sendUnaryData<ApplyResponse>) => {
        this.calls.push({ method: 'apply', request: call.request });
        const u = unwrap(call.request.resource);
        if (!u) return fail(callback, status.INVALID_ARGUMENT, 'resource: a kind is required');
        const name = metaOf(u.resource).name;
        if (u.name === 'nodePool') {
          const spec = (u.resource as { spec?: { min: number; max: number } }).spec;
          if (spec && spec.min > spec.max) return fail(callback, status.INVALID_ARGUMENT, `NodePool "${name}": spec.min: must be <= spec.max`);
        }
        const existing = this.find(u.name, name, parentOf(u.name, u.resource));
        const same = existing && JSON.stringify([existing.resource.spec, metaOf(existing.resource).labels]) === JSON.stringify([u.resource.spec, metaOf(u.resource).labels]);
        const result = !existing ? 'created' : same ? 'unchanged' : 'configured';
        if (call.request.dryRun || same) return callback(null, { resource: call.request.resource, result });
        callback(null, { resource: wrap(u.name, this.put(call.request.resource!)), result });
      },
      get: (call: ServerUnaryCall<GetRequest, Resource>, callback: sendUnaryData<Resource>) => {
        this.calls.push({ method: 'get', request: call.request });
        const info = kindInfoOf(call.request.kind);
        const found = info && this.find(info.name, call.request.name, call.request.parent);
        if (!info || !found) return fail(callback, status.NOT_FOUND, `${info?.display ?? 'resource'} "${call.request.name}" not found`);
        callback(null, wrap(found.kind, found.resource));
      },
      list: (call: ServerUnaryCall<ListRequest, ListResponse>, callback: sendUnaryData<ListResponse>) => {
        this.calls.push({ method: 'list', request: call.request });
        const info = kindInfoOf(call.request.kind);
        if (!info) return fail(callback, status.INVALID_ARGUMENT, 'kind: required');
        const items = [...this.objects.values()]
          .filter((o) => o.kind === info.name && (call.request.parent === '' || o.parent === call.request.parent))
          .filter((o) => Object.entries(call.request.labelSelector).every(([k, v]) => metaOf(o.resource).labels[k] === v))
          .sort((a, b) => metaOf(a.resource).name.localeCompare(metaOf(b.resource).name))
          .map((o) => wrap(o.kind, o.resource));
        callback(null, { items, resourceVersion: this.revision });
      },
      watch: (call: ServerWritableStream<WatchRequest, WatchEvent>) => {
        this.calls.push({ method: 'watch', request: call.request });
        const watcher = { request: call.request, call };
        this.watchers.add(watcher);
        call.on('cancelled', () => this.watchers.delete(watcher));
        call.on('close', () => this.watchers.delete(watcher));
      },
      delete: (call: ServerUnaryCall<DeleteRequest, DeleteResponse>, callback: sendUnaryData<DeleteResponse>) => {
        this.calls.push({ method: 'delete', request: call.request });
        const info = kindInfoOf(call.request.kind);
        const found = info && this.find(info.name, call.request.name, call.request.parent);
        if (!info || !found) return fail(callback, status.NOT_FOUND, `${info?.display ?? 'resource'} "${call.request.name}" not found`);
        this.objects.delete(this.key(found.kind, found.parent, call.request.name));
        this.notify(EventType.EVENT_TYPE_DELETED, found.kind, found.resource);
        callback(null, { resource: wrap(found.kind, found.resource) });
      },
      scale: (call: ServerUnaryCall<ScaleRequest, ScaleResponse>, callback: sendUnaryData<ScaleResponse>) => {
        this.calls.push({ method: 'scale', request: call.request });
        const found = this.find('deployment', call.request.deployment, '');
        if (!found) return fail(callback, status.NOT_FOUND, `Deployment "${call.request.deployment}" not found`);
        const d = found.resource as Deployment;
        const stored = this.put(wrap('deployment', { ...d, spec: Deployment.fromPartial({ spec: { ...d.spec, replicas: call.request.replicas } }).spec }));
        callback(null, { deployment: stored as Deployment });
      },
      rollout: (call: ServerUnaryCall<RolloutRequest, RolloutResponse>, callback: sendUnaryData<RolloutResponse>) => {
        this.calls.push({ method: 'rollout', request: call.request });
        const found = this.find('deployment', call.request.deployment, '');
        if (!found) return fail(callback, status.NOT_FOUND, `Deployment "${call.request.deployment}" not found`);
        const d = found.resource as Deployment;
        const spec = Deployment.fromPartial({ spec: d.spec }).spec!;
        switch (call.request.action) {
          case RolloutAction.ROLLOUT_ACTION_PAUSE:
          case RolloutAction.ROLLOUT_ACTION_RESUME:
            spec.paused = call.request.action === RolloutAction.ROLLOUT_ACTION_PAUSE;
            break;
          case RolloutAction.ROLLOUT_ACTION_RESTART:
            spec.template = { ...spec.template!, annotations: { ...spec.template?.annotations, 'helios.dev/restartedAt': CREATED_AT } };
            break;
          case RolloutAction.ROLLOUT_ACTION_UNDO: {
            const history = d.status?.history ?? [];
            const wanted = call.request.toRevision || Math.max(0, ...history.map((r) => r.revision).filter((r) => r < (d.status?.revision ?? 0)));
            const target = history.find((r) => r.revision === wanted);
            if (!target) return fail(callback, status.FAILED_PRECONDITION, `Deployment "${call.request.deployment}": toRevision: revision ${wanted} is not in the rollout history`);
            spec.template = target.template;
            break;
          }
          default:
            return fail(callback, status.INVALID_ARGUMENT, 'action: required');
        }
        callback(null, { deployment: this.put(wrap('deployment', { ...d, spec })) as Deployment });
      },
      watchEndpoints: (call) => call.emit('error', { code: status.UNIMPLEMENTED, details: 'WatchEndpoints is not implemented by the test server' }),
      // Tokens: ids tok001, tok002, ... with a fixed secret, expiring an hour (or the ttl) after CREATED_AT.
      createBootstrapToken: (call, callback) => {
        this.calls.push({ method: 'createBootstrapToken', request: call.request });
        const r = call.request;
        if (r.uses > 1000) return fail(callback, status.INVALID_ARGUMENT, `bootstrap token: uses: must be an integer from 1 to 1000, got ${r.uses}`);
        const id = `tok${String(this.tokens.size + 1).padStart(3, '0')}`;
        const expireTime = new Date(Date.parse(CREATED_AT) + 1000 * (r.ttlSeconds || 3600)).toISOString();
        const info = BootstrapToken.fromPartial({ id, cell: r.cell, pool: r.pool, usesLeft: r.uses || 1, createTime: CREATED_AT, expireTime, description: r.description });
        this.tokens.set(id, info);
        callback(null, { token: `${id}.0123456789abcdef`, info });
      },
      listBootstrapTokens: (call, callback) => {
        this.calls.push({ method: 'listBootstrapTokens', request: call.request });
        callback(null, { tokens: [...this.tokens.values()].filter((t) => call.request.cell === '' || t.cell === call.request.cell) });
      },
      deleteBootstrapToken: (call, callback) => {
        this.calls.push({ method: 'deleteBootstrapToken', request: call.request });
        if (!this.tokens.delete(call.request.id)) return fail(callback, status.NOT_FOUND, `bootstrap token ${call.request.id} not found (deleted, used up or expired)`);
        callback(null, {});
      },
      reportLoad: (_call, callback) => fail(callback, status.UNIMPLEMENTED, 'ReportLoad is not implemented by the test server'),
      streamLoad: (_call, callback) => fail(callback, status.UNIMPLEMENTED, 'StreamLoad is not implemented by the test server'),
      requestReplicas: (_call, callback) => fail(callback, status.UNIMPLEMENTED, 'RequestReplicas is not implemented by the test server'),
    };
  }
}
