import { Server, ServerCredentials, status, type ServerWritableStream } from '@grpc/grpc-js';
import { OperatorServiceService, type Endpoint, type WatchEndpointsRequest, type WatchEndpointsResponse } from '@helios/api';
import { applyEndpointMessage } from './endpoint-delta';

type EndpointStream = ServerWritableStream<WatchEndpointsRequest, WatchEndpointsResponse>;

/**
 * A gRPC server that implements only WatchEndpoints, from sets the caller edits: the test
 * double of the control plane for endpoint clients and routers (every other RPC answers
 * UNIMPLEMENTED). Speaks the real protocol: a snapshot (reset) first, then one message per
 * change.
 */
export class FakeEndpointsServer {
  private readonly sets = new Map<string, Map<string, Endpoint>>();
  private readonly streams = new Set<{ deployment: string; call: EndpointStream }>();
  /** The deployment of every WatchEndpoints call received, in order. */
  readonly requests: string[] = [];

  private port = 0;

  private constructor(private readonly server: Server) {}

  /** Starts a server on a free loopback port. */
  static async start(): Promise<FakeEndpointsServer> {
    const server = new Server();
    const fake = new FakeEndpointsServer(server);
    server.addService(OperatorServiceService, { watchEndpoints: (call: EndpointStream) => fake.watch(call) });
    fake.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    return fake;
  }

  /** `127.0.0.1:<port>`, for clients. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Streams open now. */
  get openStreams(): number {
    return this.streams.size;
  }

  /** The set of a deployment now. */
  endpoints(deployment: string): Endpoint[] {
    return [...(this.sets.get(deployment)?.values() ?? [])];
  }

  /** Replaces a deployment's set, telling open streams what changed. */
  set(deployment: string, endpoints: Endpoint[]): void {
    this.publish(deployment, { reset: true, added: endpoints, removed: [] });
  }

  /** Adds (or updates) endpoints of a deployment. */
  add(deployment: string, ...endpoints: Endpoint[]): void {
    this.publish(deployment, { reset: false, added: endpoints, removed: [] });
  }

  /** Removes the endpoints of these replicas. */
  remove(deployment: string, ...replicas: string[]): void {
    const current = this.sets.get(deployment) ?? new Map<string, Endpoint>();
    const removed = replicas.map((name) => current.get(name)).filter((e): e is Endpoint => e !== undefined);
    this.publish(deployment, { reset: false, added: [], removed });
  }

  /** Ends every open stream with an error status, as a control plane that goes away would. */
  dropStreams(code: status = status.UNAVAILABLE): void {
    for (const stream of [...this.streams]) {
      this.streams.delete(stream);
      stream.call.emit('error', { code, details: 'dropped by the test server' });
    }
  }

  /** Stops the server at once. */
  stop(): Promise<void> {
    this.dropStreams();
    this.server.forceShutdown();
    return Promise.resolve();
  }

  private watch(call: EndpointStream): void {
    const deployment = call.request.deployment;
    this.requests.push(deployment);
    const stream = { deployment, call };
    this.streams.add(stream);
    const forget = () => this.streams.delete(stream);
    call.on('cancelled', forget);
    call.on('close', forget);
    call.write({ reset: true, added: this.endpoints(deployment), removed: [] });
  }

  private publish(deployment: string, message: WatchEndpointsResponse): void {
    const delta = applyEndpointMessage(this.sets.get(deployment) ?? new Map(), message);
    this.sets.set(deployment, delta.next);
    if (delta.added.length === 0 && delta.removed.length === 0) return;
    for (const stream of this.streams) {
      if (stream.deployment === deployment) stream.call.write({ reset: false, added: delta.added, removed: delta.removed });
    }
  }
}
