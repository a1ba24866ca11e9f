import { CreateBootstrapTokenRequest } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { resolveTokenRequest } from './token-request';

describe('resolveTokenRequest', () => {
  const request = (fields: Partial<CreateBootstrapTokenRequest>) => CreateBootstrapTokenRequest.fromPartial({ cell: 'c1', ...fields });

  it.each([
    ['defaults: one use, one hour', {}, { cell: 'c1', pool: '', uses: 1, ttlSeconds: 3600, description: '' }],
    ['a pool, 1000 uses, 7 days', { pool: 'gpu-a', uses: 1000, ttlSeconds: 604_800, description: 'rack 4' }, { cell: 'c1', pool: 'gpu-a', uses: 1000, ttlSeconds: 604_800, description: 'rack 4' }],
    ['the shortest lifetime', { ttlSeconds: 60 }, { cell: 'c1', pool: '', uses: 1, ttlSeconds: 60, description: '' }],
  ])('accepts %s', (_what, fields, spec) => {
    expect(resolveTokenRequest(request(fields))).toEqual(spec);
  });

  it.each([
    ['no cell', { cell: '' }, [{ path: 'cell', message: 'is required' }]],
    ['1001 uses', { uses: 1001 }, [{ path: 'uses', message: 'must be an integer from 1 to 1000, got 1001' }]],
    ['negative uses', { uses: -1 }, [{ path: 'uses', message: 'must be an integer from 1 to 1000, got -1' }]],
    ['59 seconds', { ttlSeconds: 59 }, [{ path: 'ttlSeconds', message: 'must be an integer from 60 to 604800, got 59' }]],
    ['8 days', { ttlSeconds: 691_200 }, [{ path: 'ttlSeconds', message: 'must be an integer from 60 to 604800, got 691200' }]],
    ['a pool that is no DNS label', { pool: 'GPU_A' }, [{ path: 'pool', message: expect.stringContaining('must be a DNS-1123 label') }]],
    ['a long description', { description: 'x'.repeat(254) }, [{ path: 'description', message: 'must be at most 253 characters, got 254' }]],
  ])('refuses %s', (_what, fields, errors) => {
    expect(resolveTokenRequest(request(fields))).toEqual(errors);
  });
});
