import { ProviderError } from '@helios/provider';
import { describe, expect, it } from 'vitest';
import { classifyGceError, gceErrorFacts, isAlreadyExists, operationErrorFacts, toProviderError } from './gcp-error';

describe('classifyGceError', () => {
  it.each([
    [503, ['ZONE_RESOURCE_POOL_EXHAUSTED'], 'InsufficientCapacity'],
    [503, ['ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS'], 'InsufficientCapacity'],
    [undefined, ['zoneResourcePoolExhausted'], 'InsufficientCapacity'],
    [403, ['QUOTA_EXCEEDED'], 'QuotaExceeded'],
    [403, ['quotaExceeded'], 'QuotaExceeded'],
    [429, [], 'Throttled'],
    [403, ['rateLimitExceeded'], 'Throttled'],
    [403, ['userRateLimitExceeded'], 'Throttled'],
    [404, [], 'NotFound'],
    [undefined, ['RESOURCE_NOT_FOUND'], 'NotFound'],
    [400, ['invalid'], 'InvalidConfiguration'],
    [401, [], 'InvalidConfiguration'],
    [403, ['forbidden'], 'InvalidConfiguration'],
    [409, ['alreadyExists'], 'InvalidConfiguration'],
    [500, ['backendError'], 'Unknown'],
    [503, [], 'Unknown'],
    [undefined, [], 'Unknown'],
  ])('HTTP %s with reasons %j -> %s', (httpStatus, reasons, expected) => {
    expect(classifyGceError({ httpStatus, reasons })).toBe(expected);
  });
});

describe('gceErrorFacts', () => {
  it('reads a gax GoogleError: gRPC code, decoded errors and ErrorInfo reason', () => {
    // What gax's GoogleError.parseHttpError builds from a 429 body when the transport does not throw.
    const err = Object.assign(new Error('Rate Limit Exceeded'), {
      code: 8,
      status: 'RESOURCE_EXHAUSTED',
      errors: [{ reason: 'rateLimitExceeded', domain: 'usageLimits' }],
      reason: 'RATE_LIMIT_EXCEEDED',
    });
    expect(gceErrorFacts(err)).toEqual({ httpStatus: 429, reasons: ['rateLimitExceeded', 'RATE_LIMIT_EXCEEDED'], message: 'Rate Limit Exceeded', retryAfterMs: undefined });
  });

  it('reads ErrorInfo reasons out of error.details in an HTTP body', () => {
    const body = { error: { code: 403, message: 'Quota exceeded', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'QUOTA_EXCEEDED' }] } };
    const err = Object.assign(new Error(JSON.stringify(body)), { status: 403 });
    expect(gceErrorFacts(err)).toMatchObject({ httpStatus: 403, reasons: ['QUOTA_EXCEEDED'], message: 'Quota exceeded' });
  });

  it('treats anything else as a transport failure with its own message', () => {
    expect(gceErrorFacts(new Error('connect ECONNREFUSED'))).toEqual({ httpStatus: undefined, reasons: [], message: 'connect ECONNREFUSED', retryAfterMs: undefined });
    expect(gceErrorFacts('boom')).toMatchObject({ reasons: [], message: 'boom' });
  });

  it('recognises an existing resource by status or reason', () => {
    expect(isAlreadyExists({ httpStatus: 409, reasons: [], message: '' })).toBe(true);
    expect(isAlreadyExists({ reasons: ['RESOURCE_ALREADY_EXISTS'], message: '' })).toBe(true);
    expect(isAlreadyExists({ httpStatus: 400, reasons: ['invalid'], message: '' })).toBe(false);
  });
});

describe('operationErrorFacts', () => {
  it('is undefined for an operation without errors', () => {
    expect(operationErrorFacts({ status: 'DONE' })).toBeUndefined();
    expect(operationErrorFacts({ status: 'DONE', error: { errors: [] } })).toBeUndefined();
  });

  it('collects every error code and message', () => {
    const facts = operationErrorFacts({
      status: 'DONE',
      httpErrorStatusCode: 503,
      error: { errors: [{ code: 'ZONE_RESOURCE_POOL_EXHAUSTED', message: 'no H100' }, { code: 'OTHER', message: 'x' }] },
    });
    expect(facts).toEqual({ httpStatus: 503, reasons: ['ZONE_RESOURCE_POOL_EXHAUSTED', 'OTHER'], message: 'ZONE_RESOURCE_POOL_EXHAUSTED: no H100; OTHER: x' });
  });
});

describe('toProviderError', () => {
  it('passes ProviderErrors through', () => {
    const err = new ProviderError('Throttled', 'slow');
    expect(toProviderError(err, 'ctx')).toBe(err);
  });
});
