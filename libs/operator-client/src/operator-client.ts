import { connectivityState, credentials, Metadata, status, type CallOptions, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import {
  OperatorServiceClient,
  type ApplyRequest,
  type ApplyResponse,
  type CreateBootstrapTokenRequest,
  type CreateBootstrapTokenResponse,
  type DeleteBootstrapTokenRequest,
  type DeleteBootstrapTokenResponse,
  type ListBootstrapTokensRequest,
  type ListBootstrapTokensResponse,
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
  type WatchEvent,
  type WatchRequest,
} from '@helios/api';

/** A running watch: `done` resolves when the stream ends or is cancelled, and rejects when it fails. */
export interface WatchHandle {
  done: Promise<void>;
  cancel(): void;
}

/** How {@link connectOperator} calls the control plane and reports failures. */
export interface OperatorClientOptions {
  /** Deadline of each unary call, ms; 0 or absent: none. */
  timeoutMs?: number;
  /** Turns a failed call into the error the promise rejects with; default: the ServiceError itself. */
  mapError?: (error: ServiceError, context: { address: string; timeoutMs: number; connected: boolean }) => Error;
}

/** The operator API, promise-shaped: one method per OperatorService RPC. */
export interface OperatorApi {
  apply(request: ApplyRequest): Promise<ApplyResponse>;
  get(request: GetRequest): Promise<Resource>;
  list(request: ListRequest): Promise<ListResponse>;
  delete(request: DeleteRequest): Promise<DeleteResponse>;
  /** Sets a deployment's spec.replicas. */
  scale(request: ScaleRequest): Promise<ScaleResponse>;
  /** Pauses, resumes, restarts or undoes a deployment's rollout. */
  rollout(request: RolloutRequest): Promise<RolloutResponse>;
  /** Makes a bootstrap token a node joins with; the answer is the only place its secret appears. */
  createBootstrapToken(request: CreateBootstrapTokenRequest): Promise<CreateBootstrapTokenResponse>;
  listBootstrapTokens(request: ListBootstrapTokensRequest): Promise<ListBootstrapTokensResponse>;
  deleteBootstrapToken(request: DeleteBootstrapTokenRequest): Promise<DeleteBootstrapTokenResponse>;
  /** Streams events to `onEvent`; the stream has no deadline, it runs until it ends or is cancelled. */
  watch(request: WatchRequest, onEvent: (event: WatchEvent) => void): WatchHandle;
  /** The generated client, for streams the promise API does not cover (watchEndpoints, raw watch). */
  readonly raw: OperatorServiceClient;
  close(): void;
}

type UnaryMethod<Req, Res> = (request: Req, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Res) => void) => ClientUnaryCall;

/**
 * Opens a plaintext gRPC channel to the control plane at `address` (`host:port`) and wraps the
 * generated OperatorService client in promises. Each unary call gets a deadline of
 * `options.timeoutMs` (0 or absent: none); a failed call rejects with `options.mapError(error)`,
 * or with the ServiceError itself. The channel connects on the first call.
 */
export function connectOperator(address: string, options: OperatorClientOptions = {}): OperatorApi {
  const timeoutMs = options.timeoutMs ?? 0;
  const mapError = options.mapError;
  const client = new OperatorServiceClient(address, credentials.createInsecure());
  // `connected` is read when the call fails: a channel that never reached READY means the server
  // is not there, whatever code grpc-js chose (UNAVAILABLE when refused, DEADLINE_EXCEEDED when it hangs).
  const failure = (error: ServiceError): Error =>
    mapError ? mapError(error, { address, timeoutMs, connected: client.getChannel().getConnectivityState(false) === connectivityState.READY }) : error;

  function unary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req): Promise<Res> {
    const callOptions: Partial<CallOptions> = timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {};
    return new Promise((resolve, reject) => {
      method.call(client, request, new Metadata(), callOptions, (error, response) => (error ? reject(failure(error)) : resolve(response)));
    });
  }

  return {
    apply: (request) => unary<ApplyRequest, ApplyResponse>(client.apply, request),
    get: (request) => unary<GetRequest, Resource>(client.get, request),
    list: (request) => unary<ListRequest, ListResponse>(client.list, request),
    delete: (request) => unary<DeleteRequest, DeleteResponse>(client.delete, request),
    scale: (request) => unary<ScaleRequest, ScaleResponse>(client.scale, request),
    rollout: (request) => unary<RolloutRequest, RolloutResponse>(client.rollout, request),
    createBootstrapToken: (request) => unary<CreateBootstrapTokenRequest, CreateBootstrapTokenResponse>(client.createBootstrapToken, request),
    listBootstrapTokens: (request) => unary<ListBootstrapTokensRequest, ListBootstrapTokensResponse>(client.listBootstrapTokens, request),
    deleteBootstrapToken: (request) => unary<DeleteBootstrapTokenRequest, DeleteBootstrapTokenResponse>(client.deleteBootstrapToken, request),
    watch(request, onEvent) {
      const call = client.watch(request);
      let cancelled = false;
      const done = new Promise<void>((resolve, reject) => {
        call.on('data', onEvent);
        call.on('end', () => resolve());
        // Cancelling makes grpc-js emit a CANCELLED error: that is the caller's own doing, not a failure.
        call.on('error', (error: ServiceError) => (cancelled || error.code === status.CANCELLED ? resolve() : reject(failure(error))));
      });
      return {
        done,
        cancel() {
          cancelled = true;
          call.cancel();
        },
      };
    },
    raw: client,
    close: () => client.close(),
  };
}
