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
export { instrumentProvider, type InstrumentOptions } from './instrumented-provider';
export { cloudCall, defaultThrottleRetryPolicy, fullJitterDelayMs, retryThrottled, type ThrottleRetryPolicy } from './throttle-retry';
