// The simulated GPU inventory alone, as its own entry point: a node agent started without
// nvidia-smi reports these, and must not load the rest of the simulation (sim cloud, hosts,
// fleet) to do so: every node-agent process of the local fleet would carry it (bench:footprint).
export { simulatedGpus } from './simulated-gpus';
