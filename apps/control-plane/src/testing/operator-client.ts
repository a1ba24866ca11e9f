import type { ClientReadableStream } from '@grpc/grpc-js';
import type {
  ApplyRequest,
  ApplyResponse,
  DeleteRequest,
  DeleteResponse,
  GetRequest,
  ListRequest,
  ListResponse,
  OperatorServiceClient,
  Resource,
  RolloutRequest,
  RolloutResponse,
  ScaleRequest,
  ScaleResponse,
  WatchEndpointsResponse,
  WatchEvent,
  WatchRequest,
} from '@helios/api';
import { connectOperator, type OperatorApi } from '@helios/operator-client';

/**
 * The operator API for tests: the shared promise client (failures reject with the raw
 * ServiceError), requests with their empty fields defaulted, and the raw streams.
 */
export class TestOperatorClient {
  readonly raw: OperatorServiceClient;
  private readonly api: OperatorApi;

  constructor(port: number) {
    this.api = connectOperator(`127.0.0.1:${port}`);
    this.raw = this.api.raw;
  }

  apply(request: Partial<ApplyRequest> & Pick<ApplyRequest, 'resource'>): Promise<ApplyResponse> {
    return this.api.apply({ dryRun: false, ...request });
  }

  get(request: GetRequest): Promise<Resource> {
    return this.api.get(request);
  }

  list(request: Partial<ListRequest> & Pick<ListRequest, 'kind'>): Promise<ListResponse> {
    return this.api.list({ parent: '', labelSelector: {}, ...request });
  }

  delete(request: Partial<DeleteRequest> & Pick<DeleteRequest, 'kind' | 'name'>): Promise<DeleteResponse> {
    return this.api.delete({ parent: '', resourceVersion: 0, ...request });
  }

  /** The raw stream, so a test can read its events and errors one by one. */
  watch(request: Partial<WatchRequest> & Pick<WatchRequest, 'kind'>): ClientReadableStream<WatchEvent> {
    return this.raw.watch({ parent: '', labelSelector: {}, resourceVersion: 0, sendInitialEvents: false, ...request });
  }

  scale(request: ScaleRequest): Promise<ScaleResponse> {
    return this.api.scale(request);
  }

  rollout(request: Partial<RolloutRequest> & Pick<RolloutRequest, 'deployment' | 'action'>): Promise<RolloutResponse> {
    return this.api.rollout({ toRevision: 0, ...request });
  }

  watchEndpoints(deployment: string): ClientReadableStream<WatchEndpointsResponse> {
    return this.raw.watchEndpoints({ deployment });
  }

  close(): void {
    this.api.close();
  }
}
