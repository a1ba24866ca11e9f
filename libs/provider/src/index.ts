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
