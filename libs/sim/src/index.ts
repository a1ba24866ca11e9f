export {
  SimProvider,
  simProviderDefaults,
  type CapacityScope,
  type SimCall,
  type SimInstanceEvent,
  type SimMethod,
  type SimProviderOptions,
} from './sim-provider';
export { SimCloudClient, type SimCloudClientOptions } from './sim-cloud-client';
export { SimCloudServer, type SimCloudServerOptions } from './sim-cloud-server';
export { NodeHosts, type NodeAgentCommand, type NodeHostOptions } from './sim-node-hosts';
export { SimNodeFleet, simulatedNodeSettings, type SimNodeFleetDeps, type SimNodeFleetOptions } from './sim-node-fleet';
export { markNodePreempted } from './mark-preempted';
export { SimulatedRuntime, type SimulatedRuntimeOptions } from './simulated-runtime';
export { simulatedGpus } from './gpus';
export { NodeApiServer, type NodeApiServerDeps } from './node-api-server';
export { SimNodeTokens } from './sim-node-tokens';
export { inProcessFleet, type InProcessFleet } from './in-process-fleet';
