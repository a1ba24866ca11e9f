import { ProviderError, isProviderError, type ProviderErrorCode } from '@helios/provider';

// EC2 error codes whose meaning is fixed, from the EC2 API error-code reference.
const EXACT_CODES: Readonly<Record<string, ProviderErrorCode>> = {
  InsufficientInstanceCapacity: 'InsufficientCapacity',
  InsufficientCapacity: 'InsufficientCapacity',
  InsufficientHostCapacity: 'InsufficientCapacity',
  InsufficientReservedInstanceCapacity: 'InsufficientCapacity',
  // A targeted capacity reservation is full: the reserved pool has no room, the same as a stockout.
  ReservationCapacityExceeded: 'InsufficientCapacity',
  // Spot capacity is not available at a price at or below the on-demand cap.
  SpotMaxPriceTooLow: 'InsufficientCapacity',
  InstanceLimitExceeded: 'QuotaExceeded',
  VcpuLimitExceeded: 'QuotaExceeded',
  MaxSpotInstanceCountExceeded: 'QuotaExceeded',
  RequestLimitExceeded: 'Throttled',
  // The same ClientToken with other parameters: the launch intent changed under a reused token.
  IdempotentParameterMismatch: 'InvalidConfiguration',
  InvalidParameterValue: 'InvalidConfiguration',
  InvalidParameterCombination: 'InvalidConfiguration',
  InvalidParameter: 'InvalidConfiguration',
  MissingParameter: 'InvalidConfiguration',
  InvalidInstanceType: 'InvalidConfiguration',
  // e.g. the instance type is not offered in the requested availability zone.
  Unsupported: 'InvalidConfiguration',
  UnsupportedOperation: 'InvalidConfiguration',
  // Permission problems need an operator, not a retry.
  UnauthorizedOperation: 'InvalidConfiguration',
  AuthFailure: 'InvalidConfiguration',
  OptInRequired: 'InvalidConfiguration',
};

/**
 * Maps an EC2 error code to the port's error code: the exact table first, then EC2's naming
 * families (`X.NotFound` / `XNotFoundException` are NotFound; `X.Malformed` and `Invalid...` are
 * requests that cannot succeed as written); anything else is Unknown.
 */
export function classifyEc2ErrorCode(code: string): ProviderErrorCode {
  const exact = EXACT_CODES[code];
  if (exact) return exact;
  if (code.endsWith('.NotFound') || code.endsWith('NotFoundException')) return 'NotFound';
  if (code.endsWith('.Malformed') || code.startsWith('Invalid')) return 'InvalidConfiguration';
  return 'Unknown';
}

/** Returns the EC2 error code of an SDK service exception, or undefined for transport failures. */
export function ec2ErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('$metadata' in err)) return undefined;
  const withCode = err as { Code?: unknown; name?: unknown };
  if (typeof withCode.Code === 'string' && withCode.Code !== '') return withCode.Code;
  return typeof withCode.name === 'string' ? withCode.name : undefined;
}

/**
 * Translates anything an EC2 SDK call threw into a ProviderError whose message starts with
 * `context` (what Helios was doing) and keeps the SDK error as its cause. ProviderErrors pass through.
 */
export function toProviderError(err: unknown, context: string): ProviderError {
  if (isProviderError(err)) return err;
  const code = ec2ErrorCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (code === undefined) return new ProviderError('Unknown', `${context}: ${detail}`, { cause: err });
  return new ProviderError(classifyEc2ErrorCode(code), `${context}: ${code}: ${detail}`, { cause: err });
}
