export type { CloudProvider, Instance, InstanceState, LaunchRequest, PoolTemplate, PreemptionNotice } from './provider';
export {
  ProviderError,
  ignoreProviderNotFound,
  isInsufficientCapacity,
  isProviderNotFound,
  isProviderError,
  isQuotaExceeded,
  isThrottled,
  type ProviderErrorCode,
} from './provider-error';
export { checkLaunchRequest, placedTemplateProblem, type LaunchRules } from './launch-request-check';
export { instanceTierValue, tierFromInstanceValue } from './instance-tier-value';
export { instrumentProvider, type InstrumentOptions } from './instrumented-provider';
export { defaultThrottleRetryPolicy, fullJitterDelayMs, retryThrottled, type ThrottleRetryPolicy } from './throttle-retry';
