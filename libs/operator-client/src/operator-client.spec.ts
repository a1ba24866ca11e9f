import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream, type ServiceError } from '@grpc/grpc-js';
import {
  Cell,
  EventType,
  Kind,
  OperatorServiceClient,
  OperatorServiceService,
  wrap,
  type GetRequest,
  type ListRequest,
  type ListResponse,
  type OperatorServiceServer,
  type Resource,
  type WatchEvent,
  type WatchRequest,
} from '@helios/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectOperator, type OperatorApi } from './operator-client';

const CELL = wrap('cell', Cell.fromPartial({ metadata: { name: 'us-east' }, spec: { provider: 'sim', region: 'us-east-1' } }));

/**
 * A real OperatorService on loopback: `get` knows one cell, `list` never answers (for deadlines),
 * `watch` sends one event and stays open, except for nodes, which it refuses.
 */
function handlers(): OperatorServiceServer {
  const unimplemented = (_call: unknown, callback: sendUnaryData<never>) =>
    callback({ code: status.UNIMPLEMENTED, details: 'not in this test server', name: 'Error', message: 'not in this test server', metadata: undefined as never }, null);
  return {
    get: (call: ServerUnaryCall<GetRequest, Resource>, callback: sendUnaryData<Resource>) =>
      call.request.name === 'us-east'
        ? callback(null, CELL)
        : callback({ code: status.NOT_FOUND, details: `cell "${call.request.name}" not found`, name: 'Error', message: 'not found', metadata: undefined as never }, null),
    // Never answers: only the client's deadline ends the call (or the server's shutdown).
    list: (_call: ServerUnaryCall<ListRequest, ListResponse>, _callback: sendUnaryData<ListResponse>) => undefined,
    watch: (call: ServerWritableStream<WatchRequest, WatchEvent>) => {
      if (call.request.kind === Kind.KIND_NODE) {
        call.emit('error', { code: status.INVALID_ARGUMENT, details: 'nodes are not watchable here' });
        return;
      }
      call.write({ type: EventType.EVENT_TYPE_ADDED, resource: CELL, resourceVersion: 7 });
    },
    apply: unimplemented,
    delete: unimplemented,
    scale: unimplemented,
    rollout: unimplemented,
    createBootstrapToken: unimplemented,
    listBootstrapTokens: unimplemented,
    deleteBootstrapToken: unimplemented,
    watchEndpoints: (call) => call.emit('error', { code: status.UNIMPLEMENTED, details: 'not in this test server' }),
    reportLoad: unimplemented,
    streamLoad: unimplemented,
    requestReplicas: unimplemented,
  };
}

describe('connectOperator', () => {
  let server: Server;
  let address: string;
  const opened: OperatorApi[] = [];
  const connect = (...args: Parameters<typeof connectOperator>) => {
    const api = connectOperator(...args);
    opened.push(api);
    return api;
  };

  beforeAll(async () => {
    server = new Server();
    server.addService(OperatorServiceService, handlers());
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
    );
    address = `127.0.0.1:${port}`;
  });

  afterEach(() => {
    for (const api of opened.splice(0)) api.close();
  });

  afterAll(() => server.forceShutdown());

  it('resolves with the reply, and exposes the generated client as raw', async () => {
    const api = connect(address);
    await expect(api.get({ kind: Kind.KIND_CELL, name: 'us-east', parent: '' })).resolves.toEqual(CELL);
    expect(api.raw).toBeInstanceOf(OperatorServiceClient);
  });

  it('rejects with the ServiceError itself when no mapError is given', async () => {
    const api = connect(address);
    const error = await api.get({ kind: Kind.KIND_CELL, name: 'eu-west', parent: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: status.NOT_FOUND, details: 'cell "eu-west" not found' });
  });

  it("rejects with mapError's error, given the failure and what the client knew", async () => {
    const seen: Array<{ code: number; context: unknown }> = [];
    const api = connect(address, {
      mapError: (error, context) => {
        seen.push({ code: error.code, context });
        return new Error(`operator API: ${error.details}`, { cause: error });
      },
    });
    const error = await api.get({ kind: Kind.KIND_CELL, name: 'eu-west', parent: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('operator API: cell "eu-west" not found');
    expect(((error as Error).cause as ServiceError).code).toBe(status.NOT_FOUND);
    expect(seen).toEqual([{ code: status.NOT_FOUND, context: { address, timeoutMs: 0, connected: true } }]);
  });

  it('gives each unary call a deadline of timeoutMs', async () => {
    const api = connect(address, { timeoutMs: 200 });
    await expect(api.list({ kind: Kind.KIND_CELL, parent: '', labelSelector: {} })).rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED });
  });

  it('passes timeoutMs to mapError, which sees a connected channel when the server hangs', async () => {
    const contexts: unknown[] = [];
    const api = connect(address, {
      timeoutMs: 200,
      mapError: (error, context) => {
        contexts.push(context);
        return new Error(status[error.code]);
      },
    });
    await expect(api.list({ kind: Kind.KIND_CELL, parent: '', labelSelector: {} })).rejects.toThrow('DEADLINE_EXCEEDED');
    expect(contexts).toEqual([{ address, timeoutMs: 200, connected: true }]);
  });

  it('streams watch events and resolves done when cancelled', async () => {
    const api = connect(address);
    let onFirst!: (event: WatchEvent) => void;
    const first = new Promise<WatchEvent>((resolve) => (onFirst = resolve));
    const handle = api.watch({ kind: Kind.KIND_CELL, parent: '', labelSelector: {}, resourceVersion: 0, sendInitialEvents: true }, onFirst);
    await expect(first).resolves.toEqual({ type: EventType.EVENT_TYPE_ADDED, resource: CELL, resourceVersion: 7 });
    handle.cancel();
    await expect(handle.done).resolves.toBeUndefined();
  });

  it("rejects a failed watch's done with mapError's error", async () => {
    const api = connect(address, { mapError: (error) => new Error(`watch failed: ${error.details}`) });
    const events: WatchEvent[] = [];
    const handle = api.watch({ kind: Kind.KIND_NODE, parent: '', labelSelector: {}, resourceVersion: 0, sendInitialEvents: false }, (event) => events.push(event));
    await expect(handle.done).rejects.toThrow('watch failed: nodes are not watchable here');
    expect(events).toEqual([]);
  });
});
