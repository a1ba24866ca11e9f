import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { rpcFailureError } from './rpc-failure';

const ADDRESS = '127.0.0.1:50051';
const UNREACHABLE = `cannot reach the control plane at ${ADDRESS} (is it running? start it with npm start)`;

describe('rpcFailureError', () => {
  it.each([
    ['refused connection', status.UNAVAILABLE, 'No connection established. Last error: connect ECONNREFUSED', false, UNREACHABLE, undefined],
    ['hanging connection', status.DEADLINE_EXCEEDED, 'Deadline exceeded after 10.002s', false, UNREACHABLE, undefined],
    ['slow server', status.DEADLINE_EXCEEDED, 'Deadline exceeded after 10.002s', true, `the control plane at ${ADDRESS} did not answer within 10s (raise --timeout)`, status.DEADLINE_EXCEEDED],
    ['server says unavailable', status.UNAVAILABLE, 'not the leader, retry', true, 'not the leader, retry', status.UNAVAILABLE],
    ['validation', status.INVALID_ARGUMENT, 'NodePool "gpu-a": spec.min: must be <= spec.max', true, 'NodePool "gpu-a": spec.min: must be <= spec.max', status.INVALID_ARGUMENT],
    ['not found before connecting fully', status.NOT_FOUND, 'NodePool "x" not found', false, 'NodePool "x" not found', status.NOT_FOUND],
    ['multi-line details keep the first line', status.INTERNAL, 'boom\n  at stack', true, 'boom', status.INTERNAL],
    ['no details', status.PERMISSION_DENIED, '', true, 'the control plane answered PERMISSION_DENIED', status.PERMISSION_DENIED],
    ['unknown code', 99, '', true, 'the control plane answered status 99', 99],
  ])('%s', (_name, code, details, connected, message, rpcCode) => {
    const error = rpcFailureError({ code, details }, { address: ADDRESS, connected, timeoutMs: 10_000 });
    expect(error.message).toBe(message);
    expect(error.code).toBe(rpcCode);
    expect(error.exitCode).toBe(1);
  });
});
