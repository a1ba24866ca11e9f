import { credentials, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import {
  OperatorServiceClient,
  type ApplyRequest,
  type ApplyResponse,
  type DeleteRequest,
  type DeleteResponse,
  type GetRequest,
  type ListRequest,
  type ListResponse,
  type Resource,
  type RolloutRequest,
  type RolloutResponse,
  type ScaleRequest,
  type ScaleResponse,
  type WatchEndpointsResponse,
  type WatchEvent,
  type WatchRequest,
} from '@helios/api';

/** The generated OperatorService client with promise-returning unary calls, for tests. */
export class TestOperatorClient {
  readonly raw: OperatorServiceClient;

  constructor(port: number) {
    this.raw = new OperatorServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  }

  apply(request: Partial<ApplyRequest> & Pick<ApplyRequest, 'resource'>): Promise<ApplyResponse> {
    return promisify((cb) => this.raw.apply({ dryRun: false, ...request }, cb));
  }

  get(request: GetRequest): Promise<Resource> {
    return promisify((cb) => this.raw.get(request, cb));
  }

  list(request: Partial<ListRequest> & Pick<ListRequest, 'kind'>): Promise<ListResponse> {
    return promisify((cb) => this.raw.list({ parent: '', labelSelector: {}, ...request }, cb));
  }

  delete(request: Partial<DeleteRequest> & Pick<DeleteRequest, 'kind' | 'name'>): Promise<DeleteResponse> {
    return promisify((cb) => this.raw.delete({ parent: '', resourceVersion: 0, ...request }, cb));
  }

  watch(request: Partial<WatchRequest> & Pick<WatchRequest, 'kind'>): ClientReadableStream<WatchEvent> {
    return this.raw.watch({ parent: '', labelSelector: {}, resourceVersion: 0, sendInitialEvents: false, ...request });
  }

  scale(request: ScaleRequest): Promise<ScaleResponse> {
    return promisify((cb) => this.raw.scale(request, cb));
  }

  rollout(request: Partial<RolloutRequest> & Pick<RolloutRequest, 'deployment' | 'action'>): Promise<RolloutResponse> {
    return promisify((cb) => this.raw.rollout({ toRevision: 0, ...request }, cb));
  }

  watchEndpoints(deployment: string): ClientReadableStream<WatchEndpointsResponse> {
    return this.raw.watchEndpoints({ deployment });
  }

  close(): void {
    this.raw.close();
  }
}

function promisify<T>(call: (cb: (err: ServiceError | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value as T))));
}

/** Polls until the condition holds, failing after a bound instead of sleeping a fixed time. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
