import type { Logger } from '@helios/config';
import type { Clock, ControllerMetrics } from '@helios/controller-runtime';
import type { Etcd3, Fence, Keys, ResourceStore } from '@helios/store';
import type { AutoscalerSettings } from './autoscaler/autoscaler-settings';
import type { CapacitySettings } from './capacity/capacity-settings';
import type { FailureSettings } from './node-lifecycle/failure-settings';

/** What every control-plane controller is built from. */
export interface ControllerDeps {
  client: Etcd3;
  keys: Keys;
  store: ResourceStore;
  /** The current leader's fence; throws when this process does not lead. Every write carries it. */
  fence: () => Fence;
  metrics: ControllerMetrics;
  logger: Logger;
  clock?: Clock;
  /** The capacity planner's knobs from the control plane's settings; their defaults when absent. */
  capacity?: CapacitySettings;
  /** The failure-storm limiter's knobs from the control plane's settings; its defaults when absent. */
  failure?: FailureSettings;
  /** The autoscaler's knobs from the control plane's settings; their defaults when absent. */
  autoscaler?: Partial<AutoscalerSettings>;
}
