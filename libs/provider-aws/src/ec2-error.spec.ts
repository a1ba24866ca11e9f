import { ProviderError } from '@helios/provider';
import { describe, expect, it } from 'vitest';
import { classifyEc2ErrorCode, ec2ErrorCode, toProviderError } from './ec2-error';

describe('classifyEc2ErrorCode', () => {
  it.each([
    ['InsufficientInstanceCapacity', 'InsufficientCapacity'],
    ['InsufficientCapacity', 'InsufficientCapacity'],
    ['InsufficientHostCapacity', 'InsufficientCapacity'],
    ['InsufficientReservedInstanceCapacity', 'InsufficientCapacity'],
    ['ReservationCapacityExceeded', 'InsufficientCapacity'],
    ['SpotMaxPriceTooLow', 'InsufficientCapacity'],
    ['InstanceLimitExceeded', 'QuotaExceeded'],
    ['VcpuLimitExceeded', 'QuotaExceeded'],
    ['MaxSpotInstanceCountExceeded', 'QuotaExceeded'],
    ['RequestLimitExceeded', 'Throttled'],
    ['IdempotentParameterMismatch', 'InvalidConfiguration'],
    ['InvalidParameterValue', 'InvalidConfiguration'],
    ['InvalidParameterCombination', 'InvalidConfiguration'],
    ['MissingParameter', 'InvalidConfiguration'],
    ['InvalidInstanceType', 'InvalidConfiguration'],
    ['Unsupported', 'InvalidConfiguration'],
    ['UnauthorizedOperation', 'InvalidConfiguration'],
    ['InvalidInstanceID.Malformed', 'InvalidConfiguration'],
    ['InvalidCapacityReservationId.Malformed', 'InvalidConfiguration'],
    ['InvalidInstanceID.NotFound', 'NotFound'],
    ['InvalidCapacityReservationId.NotFound', 'NotFound'],
    ['InvalidLaunchTemplateId.NotFound', 'NotFound'],
    ['InvalidLaunchTemplateName.NotFoundException', 'NotFound'],
    ['InternalError', 'Unknown'],
    ['Unavailable', 'Unknown'],
    ['SomethingNew', 'Unknown'],
  ])('%s -> %s', (code, expected) => {
    expect(classifyEc2ErrorCode(code)).toBe(expected);
  });
});

describe('toProviderError', () => {
  it('passes ProviderErrors through untouched', () => {
    const err = new ProviderError('NotFound', 'gone');
    expect(toProviderError(err, 'ctx')).toBe(err);
  });

  it('treats errors without SDK metadata as transport failures', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:1');
    expect(ec2ErrorCode(cause)).toBeUndefined();
    expect(toProviderError(cause, 'listing')).toMatchObject({ code: 'Unknown', message: 'listing: connect ECONNREFUSED 127.0.0.1:1', cause });
  });
});
