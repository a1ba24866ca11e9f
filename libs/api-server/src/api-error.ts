import { status } from '@grpc/grpc-js';
import { NodeApiError } from '@helios/node-gateway';
import { ConflictError, FencedError, NotFoundError, StoreError, AlreadyExistsError } from '@helios/store';

/** A request failure with the gRPC status it maps to and a message meant for the person who sent it. */
export class ApiError extends Error {
  constructor(
    readonly code: status,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

/** The status and message a failure reaches the client with: never a stack trace. */
export function toStatus(err: unknown): { code: status; details: string } {
  if (err instanceof ApiError || err instanceof NodeApiError) return { code: err.code, details: err.message };
  if (err instanceof NotFoundError) return { code: status.NOT_FOUND, details: err.message };
  // Lost a compare-and-swap race, or created concurrently: the client should read again.
  if (err instanceof ConflictError || err instanceof AlreadyExistsError) return { code: status.ABORTED, details: err.message };
  if (err instanceof FencedError) return { code: status.FAILED_PRECONDITION, details: err.message };
  // Any other store error is etcd being unreachable or failing: worth a retry.
  if (err instanceof StoreError) return { code: status.UNAVAILABLE, details: err.message };
  return { code: status.INTERNAL, details: `internal error: ${err instanceof Error ? err.message : String(err)}` };
}
