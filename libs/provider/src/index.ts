export type { CloudProvider, Instance, InstanceState, LaunchRequest, PoolTemplate, PreemptionNotice } from './provider';
export {
  ProviderError,
  ignoreNotFound,
  isInsufficientCapacity,
  isNotFound,
  isProviderError,
  isQuotaExceeded,
  isThrottled,
  type ProviderErrorCode,
} from './provider-error';
export { instrumentProvider, type InstrumentOptions } from './instrumented-provider';
export { defaultThrottleRetryPolicy, fullJitterDelayMs, retryThrottled, type ThrottleRetryPolicy } from './throttle-retry';
