export { CAPACITY_SETTINGS, plannerOptions, resolveCapacitySettings, type CapacitySettings } from './capacity/capacity-settings';
export { CapacityController } from './capacity/capacity-controller';
export { CellLivenessController } from './cell-liveness/cell-liveness-controller';
export { controlPlaneControllers } from './control-plane-controllers';
export type { ControllerDeps } from './controller-deps';
export { DeploymentController, type DeploymentControllerOptions } from './deployment/deployment-controller';
export { FAILURE_SETTINGS, resolveFailureSettings, stormSettings, type FailureSettings } from './node-lifecycle/failure-settings';
export { CellEvictionController, NodeLifecycleController, nodeLifecycleControllers, type NodeLifecycleOptions } from './node-lifecycle/node-lifecycle-controller';
export { PlacementController, type PlacementOptions } from './placement/placement-controller';
