import { status } from '@grpc/grpc-js';
import { CliError } from './cli-error';

/** A failed call, reported as one line; `code` lets a command tell NOT_FOUND from the rest. */
export class RpcError extends CliError {
  override readonly name = 'RpcError';

  constructor(
    message: string,
    /** gRPC status code, or undefined when the server was never reached. */
    readonly code: number | undefined,
  ) {
    super(message, 1);
  }
}

/** What a failed gRPC call tells us: its status code and the server's details message. */
export interface RpcFailure {
  code: number;
  details: string;
}

/** What the client knew when the call failed. */
export interface RpcContext {
  address: string;
  /** Whether the channel was connected to the server when the call failed. */
  connected: boolean;
  /** The call's deadline in ms (0 = none), for the timeout message. */
  timeoutMs: number;
}

/**
 * Turns a failed call into the one line the user reads.
 *
 * The server's details are printed as it sent them (`NodePool "gpu-a": spec.min: must be <=
 * spec.max`): the API writes them for people. A channel that never connected means the control
 * plane is not there, whatever code grpc-js chose (UNAVAILABLE for a refused connection,
 * DEADLINE_EXCEEDED for one that hangs), and the message says how to start it.
 */
export function rpcFailureError(failure: RpcFailure, ctx: RpcContext): RpcError {
  const transport = failure.code === status.UNAVAILABLE || failure.code === status.DEADLINE_EXCEEDED;
  if (transport && !ctx.connected) {
    return new RpcError(`cannot reach the control plane at ${ctx.address} (is it running? start it with npm start)`, undefined);
  }
  if (failure.code === status.DEADLINE_EXCEEDED) {
    return new RpcError(`the control plane at ${ctx.address} did not answer within ${ctx.timeoutMs / 1_000}s (raise --timeout)`, failure.code);
  }
  const details = failure.details.split('\n')[0]!.trim();
  return new RpcError(details || `the control plane answered ${status[failure.code] ?? `status ${failure.code}`}`, failure.code);
}
