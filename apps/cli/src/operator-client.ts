import { connectOperator as connectOperatorApi, type OperatorApi } from '@helios/operator-client';
import { rpcFailureError } from './rpc-failure';

/**
 * Connects the commands to the control plane at `address` (`host:port`): the shared operator
 * client with a deadline of `timeoutMs` per unary call (0: none), its failures (a watch's too)
 * turned into the one-line CliErrors of {@link rpcFailureError}.
 */
export function connectOperator(address: string, timeoutMs: number): OperatorApi {
  return connectOperatorApi(address, {
    timeoutMs,
    mapError: (error, context) => rpcFailureError({ code: error.code, details: error.details ?? '' }, context),
  });
}
