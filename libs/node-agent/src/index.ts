export { readGpuInventory, queryNvidiaSmi, type GpuInventory, type GpuInventoryOption, type GpuSource, type GpuSourceNode } from './gpu-inventory';
export { NodeAgent, POOL_LABEL, type NodeAgentDeps, type NodeAgentOptions } from './node-agent';
export { resolveNodeAgentSettings, type NodeAgentSettings } from './node-agent-settings';
export { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv } from './nvidia-smi-parser';
export { ReplicaBindings, type ReplicaBindingsOptions } from './replica-bindings';
export { isBoundTo, joinHostPort, replicaStatusFor, sameStatus } from './replica-status';
export { ReplicaSupervisor, type ReplicaSupervisorDeps, type ReplicaSupervisorOptions } from './replica-supervisor';
export { markNodePreempted, PreemptionWatcher, type PreemptionSource, type PreemptionWatcherDeps, type PreemptionWatcherOptions } from './preemption';
