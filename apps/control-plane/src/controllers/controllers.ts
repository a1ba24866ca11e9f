import type { Controller } from '@helios/controller-runtime';
import { CellLivenessController } from './cell-liveness/cell-liveness-controller';
import type { ControllerDeps } from './controller-deps';

/** Every controller the control plane runs on its leader, in one list (STYLE.md rule 4). */
export function controlPlaneControllers(deps: ControllerDeps): Controller[] {
  return [new CellLivenessController(deps)];
}
