import { status } from '@grpc/grpc-js';
import { AlreadyExistsError, ConflictError, NotFoundError, StoreError } from '@helios/store';

/** A node API failure with the gRPC status it maps to and a message for the node's operator. */
export class NodeApiError extends Error {
  constructor(
    readonly code: status,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NodeApiError';
  }
}

/** UNAUTHENTICATED: no identity (a bad token or credential). */
export function unauthenticated(message: string): NodeApiError {
  return new NodeApiError(status.UNAUTHENTICATED, message);
}

/** PERMISSION_DENIED: an identity, but not this permission. */
export function permissionDenied(message: string): NodeApiError {
  return new NodeApiError(status.PERMISSION_DENIED, message);
}

/** INVALID_ARGUMENT naming the fields. */
export function invalidArgument(message: string): NodeApiError {
  return new NodeApiError(status.INVALID_ARGUMENT, message);
}

/**
 * The status and message a failure reaches the node with, never a stack trace. An error that
 * already carries a gRPC status (a NodeApiError, or the send queue's RESOURCE_EXHAUSTED) keeps
 * it; a lost compare-and-swap is ABORTED (read again); any other store failure is etcd being
 * away, UNAVAILABLE (retry).
 */
export function toNodeStatus(err: unknown): { code: status; details: string } {
  if (err instanceof NodeApiError) return { code: err.code, details: err.message };
  if (err instanceof ConflictError || err instanceof AlreadyExistsError) return { code: status.ABORTED, details: err.message };
  if (err instanceof NotFoundError) return { code: status.NOT_FOUND, details: err.message };
  if (err instanceof StoreError) return { code: status.UNAVAILABLE, details: err.message };
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  if (err instanceof Error && typeof code === 'number' && status[code] !== undefined) return { code, details: err.message };
  return { code: status.INTERNAL, details: `internal error: ${err instanceof Error ? err.message : String(err)}` };
}
