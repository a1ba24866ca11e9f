import { connectivityState, credentials, Metadata, status, type CallOptions, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
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
  type WatchEvent,
  type WatchRequest,
} from '@helios/api';
import { rpcFailureError } from './rpc-failure';

/** A running watch: `done` settles when the stream ends, is cancelled, or fails (with a CliError). */
export interface WatchHandle {
  done: Promise<void>;
  cancel(): void;
}

/** The operator API as the commands use it: promises, failures already turned into CliErrors. */
export interface OperatorApi {
  apply(request: ApplyRequest): Promise<ApplyResponse>;
  get(request: GetRequest): Promise<Resource>;
  list(request: ListRequest): Promise<ListResponse>;
  delete(request: DeleteRequest): Promise<DeleteResponse>;
  /** Sets a deployment's spec.replicas. */
  scale(request: ScaleRequest): Promise<ScaleResponse>;
  /** Pauses, resumes, restarts or undoes a deployment's rollout. */
  rollout(request: RolloutRequest): Promise<RolloutResponse>;
  /** Streams events to `onEvent`; the stream has no deadline, it runs until cancelled. */
  watch(request: WatchRequest, onEvent: (event: WatchEvent) => void): WatchHandle;
  close(): void;
}

type UnaryMethod<Req, Res> = (request: Req, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Res) => void) => ClientUnaryCall;

/**
 * Opens a plaintext gRPC channel to the control plane at `address` (`host:port`). Each unary call
 * gets a deadline of `timeoutMs` (0: none). The channel connects on the first call.
 */
export function connectOperator(address: string, timeoutMs: number): OperatorApi {
  const client = new OperatorServiceClient(address, credentials.createInsecure());
  const failure = (error: ServiceError) =>
    rpcFailureError(
      { code: error.code, details: error.details ?? '' },
      { address, timeoutMs, connected: client.getChannel().getConnectivityState(false) === connectivityState.READY },
    );

  function unary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req): Promise<Res> {
    const options: Partial<CallOptions> = timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {};
    return new Promise((resolve, reject) => {
      method.call(client, request, new Metadata(), options, (error, response) => (error ? reject(failure(error)) : resolve(response)));
    });
  }

  return {
    apply: (request) => unary<ApplyRequest, ApplyResponse>(client.apply, request),
    get: (request) => unary<GetRequest, Resource>(client.get, request),
    list: (request) => unary<ListRequest, ListResponse>(client.list, request),
    delete: (request) => unary<DeleteRequest, DeleteResponse>(client.delete, request),
    scale: (request) => unary<ScaleRequest, ScaleResponse>(client.scale, request),
    rollout: (request) => unary<RolloutRequest, RolloutResponse>(client.rollout, request),
    watch(request, onEvent) {
      const call = client.watch(request);
      let cancelled = false;
      const done = new Promise<void>((resolve, reject) => {
        call.on('data', onEvent);
        call.on('end', () => resolve());
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
    close: () => client.close(),
  };
}
