export { REPO_ROOT, launchComponent, type ComponentOptions, type ComponentProcess } from './component-process';
export { runComponent, type ComponentSpec, type RunningComponent } from './run-component';
export { waitFor } from './wait-for';
export { Teardown } from './teardown';
