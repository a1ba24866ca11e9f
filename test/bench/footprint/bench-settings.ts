import type { Resolved } from '@helios/config';

/** Every knob of `npm run bench:footprint -- [--flag value ...]`. */
export const BENCH_SETTINGS = {
  agents: { flag: 'agents', env: 'HELIOS_BENCH_AGENTS', default: 3, min: 1, doc: 'node agents, booted one after another by the sim cloud (each measured alone)' },
  gpusPerNode: { flag: 'gpus-per-node', env: 'HELIOS_BENCH_GPUS_PER_NODE', default: 2, min: 1, doc: 'GPUs of each node' },
  modelServer: { flag: 'model-server', env: 'HELIOS_BENCH_MODEL_SERVER', default: true, doc: 'run a one-replica deployment behind the router: a model-server process under a node agent' },
  settle: { flag: 'settle', env: 'HELIOS_BENCH_SETTLE', default: 3, min: 0, doc: 'seconds everything runs idle after the last component is ready, before RSS is sampled' },
  keep: { flag: 'keep', env: 'HELIOS_BENCH_KEEP', default: false, doc: 'keep the work dir (etcd data, logs) after the run' },
  help: { flag: 'help', env: 'HELIOS_BENCH_HELP', default: false, doc: 'print this help' },
};

/** The resolved settings of one run. */
export type BenchSettings = Resolved<typeof BENCH_SETTINGS>;
