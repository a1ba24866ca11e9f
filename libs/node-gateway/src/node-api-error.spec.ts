import { status } from '@grpc/grpc-js';
import { ConflictError, NotFoundError, StoreError } from '@helios/store';
import { describe, expect, it } from 'vitest';
import { NodeApiError, toNodeStatus } from './node-api-error';

describe('toNodeStatus', () => {
  const withCode = Object.assign(new Error('stream cut'), { code: status.RESOURCE_EXHAUSTED });
  it.each([
    ['a NodeApiError', new NodeApiError(status.PERMISSION_DENIED, 'no'), { code: status.PERMISSION_DENIED, details: 'no' }],
    ['a lost compare-and-swap', new ConflictError('/k', 'moved on'), { code: status.ABORTED, details: 'moved on' }],
    ['a missing object', new NotFoundError('/k', 'gone'), { code: status.NOT_FOUND, details: 'gone' }],
    ['etcd away', new StoreError('/k', 'etcd request failed'), { code: status.UNAVAILABLE, details: 'etcd request failed' }],
    ['an error carrying a status (the send queue\'s cut)', withCode, { code: status.RESOURCE_EXHAUSTED, details: 'stream cut' }],
    ['anything else', new TypeError('x is undefined'), { code: status.INTERNAL, details: 'internal error: x is undefined' }],
  ])('%s', (_what, err, result) => {
    expect(toNodeStatus(err)).toEqual(result);
  });
});
