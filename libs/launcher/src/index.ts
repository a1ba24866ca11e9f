export { REPO_ROOT, launchComponent, type ComponentOptions, type ComponentProcess } from './component-process';
export { waitFor } from './wait-for';
export { Teardown } from './teardown';
