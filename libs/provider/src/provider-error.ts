/** Why a cloud call failed, in the port's own words; adapters translate SDK errors into these. */
export type ProviderErrorCode =
  /** The cloud has no capacity of that type right now (EC2 InsufficientInstanceCapacity, GCP ZONE_RESOURCE_POOL_EXHAUSTED). */
  | 'InsufficientCapacity'
  /** An account limit (EC2 InstanceLimitExceeded / VcpuLimitExceeded / MaxSpotInstanceCountExceeded, GCP QUOTA_EXCEEDED). */
  | 'QuotaExceeded'
  /** Rate limited (EC2 RequestLimitExceeded, GCP 429 / rateLimitExceeded); retry with backoff. */
  | 'Throttled'
  | 'NotFound'
  /** The request cannot succeed as written (bad instance type, token reused with other parameters). */
  | 'InvalidConfiguration'
  /** Anything else; retried with backoff. */
  | 'Unknown';

/** A failed cloud call, typed so callers branch on `code`, never on SDK messages. */
export class ProviderError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.retryAfterMs = options?.retryAfterMs;
  }
  readonly retryAfterMs: number | undefined;
}

export const isProviderError = (err: unknown, code?: ProviderErrorCode): err is ProviderError =>
  err instanceof ProviderError && (code === undefined || err.code === code);

export const isInsufficientCapacity = (err: unknown): boolean => isProviderError(err, 'InsufficientCapacity');
export const isQuotaExceeded = (err: unknown): boolean => isProviderError(err, 'QuotaExceeded');
export const isThrottled = (err: unknown): boolean => isProviderError(err, 'Throttled');
/** True for a NotFound from the cloud (not the store's NotFoundError: see @helios/store's isNotFound). */
export const isProviderNotFound = (err: unknown): boolean => isProviderError(err, 'NotFound');

/** Swallows the cloud's NotFound (an instance already gone is what terminate wanted); rethrows the rest. */
export function ignoreProviderNotFound(err: unknown): void {
  if (!isProviderNotFound(err)) throw err;
}
