export { readGpuInventory, queryNvidiaSmi, type GpuInventory, type GpuInventoryOption } from './gpu-inventory';
export { NodeAgent, POOL_LABEL, type NodeAgentDeps, type NodeAgentOptions } from './node-agent';
export { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv } from './nvidia-smi-parser';
export { simulatedGpus } from './simulated-gpus';
