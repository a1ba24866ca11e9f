export { readGpuInventory, queryNvidiaSmi, type GpuInventory, type GpuInventoryOption, type GpuSource, type GpuSourceNode } from './gpu-inventory';
export { NodeAgent, POOL_LABEL, type NodeAgentDeps, type NodeAgentOptions } from './node-agent';
export { resolveNodeAgentSettings, type NodeAgentSettings } from './node-agent-settings';
export { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv } from './nvidia-smi-parser';
export { isBoundTo, joinHostPort, replicaStatusFor, sameStatus } from './replica-status';
export { ReplicaSupervisor, type ReplicaSupervisorDeps, type ReplicaSupervisorOptions, type SupervisedNode } from './replica-supervisor';
export { PreemptionWatcher, type PreemptionSource, type PreemptionWatcherDeps, type PreemptionWatcherOptions } from './preemption';
