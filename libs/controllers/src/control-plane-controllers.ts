import type { Controller, ManagedController } from '@helios/controller-runtime';
import { AutoscalerController } from './autoscaler/autoscaler-controller';
import { CapacityController } from './capacity/capacity-controller';
import { CellLivenessController } from './cell-liveness/cell-liveness-controller';
import type { ControllerDeps } from './controller-deps';
import { DeploymentController } from './deployment/deployment-controller';
import { nodeLifecycleControllers } from './node-lifecycle/node-lifecycle-controller';
import { PlacementController } from './placement/placement-controller';

/** Every controller the control plane runs on its leader, in one list (docs/conventions.md, rule 4). */
export function controlPlaneControllers(deps: ControllerDeps): (Controller | ManagedController)[] {
  return [new CellLivenessController(deps), new PlacementController(deps), new CapacityController(deps), ...nodeLifecycleControllers(deps), new DeploymentController(deps), new AutoscalerController(deps)];
}
