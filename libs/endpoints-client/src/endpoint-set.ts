import { credentials, type ClientReadableStream, type StatusObject } from '@grpc/grpc-js';
import { OperatorServiceClient, type Endpoint, type WatchEndpointsResponse } from '@helios/api';
import { createLogger, type Logger } from '@helios/config';
import { backoffDelay, type BackoffPolicy } from '@helios/controller-runtime';
import { applyEndpointMessage } from './endpoint-delta';

/** Options of an EndpointSet. */
export interface EndpointSetOptions {
  /**
   * Control-plane gRPC addresses (`host:port`), as a list or comma-separated. Every control-plane
   * replica serves WatchEndpoints; after a failure the next address is tried.
   */
  servers: string | string[];
  deployment: string;
  /** Spacing of reconnects; default 200 ms doubling to 5 s, +-20 % jitter. */
  backoff?: BackoffPolicy;
  logger?: Logger;
}

/** A change of the set, as listeners receive it. */
export interface EndpointChange {
  /** The whole set after the change, ordered by replica name. */
  endpoints: Endpoint[];
  added: Endpoint[];
  removed: Endpoint[];
}

// Reconnects start fast (a control-plane replica restarting is back in a second) and stay
// gentle (hundreds of routers must not hammer a control plane that is down).
const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 5_000, jitter: 0.2 };

/**
 * Keeps a live copy of a deployment's Ready endpoints from the control plane's WatchEndpoints
 * stream: the full set first, then every change. On a broken stream it reconnects with backoff
 * (rotating through the servers) and the snapshot that opens the new stream replaces the set.
 *
 * While disconnected it keeps serving the last set it knew, as a router should: the replicas
 * are most likely still there, and an empty set would fail every request. A replica retired
 * meanwhile is still in the list until the reconnect, but its drain period (and then a retry on
 * another endpoint) covers that window.
 */
export class EndpointSet {
  private readonly servers: string[];
  private readonly backoff: BackoffPolicy;
  private readonly log: Logger;
  private readonly clients = new Map<string, OperatorServiceClient>();
  private readonly listeners = new Set<(change: EndpointChange) => void>();
  private readonly readyWaiters = new Set<() => void>();
  private current = new Map<string, Endpoint>();
  private sorted: Endpoint[] = [];
  private call: ClientReadableStream<WatchEndpointsResponse> | undefined;
  private failures = 0;
  private next = 0;
  private synced = false;
  private live = false;
  private started = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastError = '';

  constructor(private readonly options: EndpointSetOptions) {
    this.servers = (typeof options.servers === 'string' ? options.servers.split(',') : options.servers).map((s) => s.trim()).filter(Boolean);
    if (this.servers.length === 0) throw new Error('EndpointSet needs at least one control-plane address');
    if (!options.deployment) throw new Error('EndpointSet needs a deployment');
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.log = (options.logger ?? createLogger('endpoints-client')).child({ deployment: options.deployment });
  }

  /** Opens the stream; idempotent. */
  start(): this {
    if (!this.started && !this.closed) {
      this.started = true;
      this.connect();
    }
    return this;
  }

  /** True once a first snapshot has arrived (it stays true across reconnects). */
  get isReady(): boolean {
    return this.synced;
  }

  /** True while a stream is open and has delivered its snapshot: the set is current. */
  get connected(): boolean {
    return this.live;
  }

  /** Resolves once the first snapshot has arrived; rejects after `timeoutMs`. */
  ready(timeoutMs = 30_000): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.readyWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.readyWaiters.delete(done);
        const why = this.lastError ? `; last error: ${this.lastError}` : '';
        reject(new Error(`no endpoints of deployment ${this.options.deployment} from ${this.servers.join(', ')} within ${timeoutMs} ms${why}`));
      }, timeoutMs);
      this.readyWaiters.add(done);
    });
  }

  /** The endpoints now, ordered by replica name. */
  list(): Endpoint[] {
    return this.sorted;
  }

  /** Calls `listener` after every change of the set; returns the function that unsubscribes. */
  on(event: 'change', listener: (change: EndpointChange) => void): () => void {
    if (event !== 'change') throw new Error(`EndpointSet has no event ${String(event)}`);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends the stream and stops reconnecting. The last set stays readable. */
  close(): void {
    this.closed = true;
    this.live = false;
    clearTimeout(this.retryTimer);
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private connect(): void {
    if (this.closed) return;
    const server = this.servers[this.next % this.servers.length]!;
    const call = this.client(server).watchEndpoints({ deployment: this.options.deployment });
    this.call = call;
    let snapshotSeen = false;
    call.on('data', (message: WatchEndpointsResponse) => {
      if (call !== this.call) return;
      if (!snapshotSeen && !message.reset) {
        // The protocol opens with a snapshot; a change without one cannot be applied safely.
        this.lastError = `${server} sent a change before its snapshot`;
        this.log.warn({ server }, 'endpoint stream did not start with a snapshot; reconnecting');
        call.cancel();
        return;
      }
      if (message.reset) {
        snapshotSeen = true;
        this.failures = 0;
        this.live = true;
      }
      this.apply(message);
    });
    // Failures are handled once, on 'status', which grpc-js emits after every call; 'error' only
    // needs a listener so that it is not thrown.
    call.on('error', () => undefined);
    call.on('status', (status: StatusObject) => this.onStreamEnd(call, server, status));
  }

  private onStreamEnd(call: ClientReadableStream<WatchEndpointsResponse>, server: string, status: StatusObject): void {
    if (call !== this.call) return;
    this.call = undefined;
    this.live = false;
    if (this.closed) return;
    this.lastError = `${server}: ${status.details || `status ${status.code}`}`;
    const delay = backoffDelay(this.failures, this.backoff);
    this.failures++;
    this.next++;
    this.log.warn({ server, code: status.code, details: status.details, retryInMs: delay }, 'endpoint stream ended; reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.retryTimer.unref();
  }

  private apply(message: WatchEndpointsResponse): void {
    const delta = applyEndpointMessage(this.current, message);
    this.current = delta.next;
    if (message.reset && !this.synced) {
      this.synced = true;
      for (const resolve of [...this.readyWaiters]) resolve();
    }
    if (delta.added.length === 0 && delta.removed.length === 0) return;
    this.sorted = [...delta.next.values()].sort((a, b) => a.replica.localeCompare(b.replica));
    this.log.debug({ endpoints: this.sorted.length, added: delta.added.length, removed: delta.removed.length }, 'endpoints changed');
    const change = { endpoints: this.sorted, added: delta.added, removed: delta.removed };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.log.error({ err }, 'endpoint listener failed');
      }
    }
  }

  private client(server: string): OperatorServiceClient {
    let client = this.clients.get(server);
    if (!client) {
      // Keepalive pings notice a control plane that vanished without closing the connection
      // (a host or network failure), which would otherwise leave the set silently stale.
      client = new OperatorServiceClient(server, credentials.createInsecure(), { 'grpc.keepalive_time_ms': 15_000, 'grpc.keepalive_timeout_ms': 5_000 });
      this.clients.set(server, client);
    }
    return client;
  }
}
