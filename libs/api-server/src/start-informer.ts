import { status } from '@grpc/grpc-js';
import { ApiError } from './api-error';

/** Starts an informer; its first list failing means etcd is unreachable, which a client may retry. */
export async function startInformer(informer: { start(): Promise<void> }, what: string): Promise<void> {
  try {
    await informer.start();
  } catch (err) {
    throw etcdUnavailable(what, err);
  }
}

/** The error a stream that cannot read etcd fails with: UNAVAILABLE, which a client may retry. */
export function etcdUnavailable(what: string, err: unknown): ApiError {
  return new ApiError(status.UNAVAILABLE, `${what}: etcd unavailable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
