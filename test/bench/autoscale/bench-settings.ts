import type { Resolved } from '@helios/config';

/** Every knob of `npm run bench:autoscale -- [--flag value ...]`. */
export const BENCH_SETTINGS = {
  nodes: { flag: 'nodes', env: 'HELIOS_BENCH_NODES', default: 4, doc: 'simulated nodes, each a node-agent process running real model-server processes' },
  gpusPerNode: { flag: 'gpus-per-node', env: 'HELIOS_BENCH_GPUS_PER_NODE', default: 4, doc: 'GPUs of each node (each replica takes one)' },
  latencyMs: { flag: 'latency-ms', env: 'HELIOS_BENCH_LATENCY_MS', default: 200, doc: 'fixed cost of one request in the model server, ms' },
  target: { flag: 'target', env: 'HELIOS_BENCH_TARGET', default: 2, doc: 'autoscaling target: requests in flight per replica' },
  baseRate: { flag: 'base-rate', env: 'HELIOS_BENCH_BASE_RATE', default: 10, doc: 'requests/s of the flat phases (10/s x 200 ms = 2 in flight: 1 replica)' },
  stepFactor: { flag: 'step-factor', env: 'HELIOS_BENCH_STEP_FACTOR', default: 4, doc: 'the step up multiplies the base rate by this' },
  noise: { flag: 'noise', env: 'HELIOS_BENCH_NOISE', default: 0.2, doc: 'the noisy phase varies the stepped rate by up to this fraction, every second' },
  flatSeconds: { flag: 'flat-seconds', env: 'HELIOS_BENCH_FLAT_SECONDS', default: 30, doc: 'seconds at the base rate before the step' },
  plateauSeconds: { flag: 'plateau-seconds', env: 'HELIOS_BENCH_PLATEAU_SECONDS', default: 45, doc: 'seconds at the stepped rate' },
  noiseSeconds: { flag: 'noise-seconds', env: 'HELIOS_BENCH_NOISE_SECONDS', default: 60, doc: 'seconds of noisy load around the stepped rate' },
  burstSeconds: { flag: 'burst-seconds', env: 'HELIOS_BENCH_BURST_SECONDS', default: 20, doc: 'seconds of base-rate load after zero' },
  stabilizationSeconds: { flag: 'stabilization-seconds', env: 'HELIOS_BENCH_STABILIZATION_SECONDS', default: 30, doc: 'spec.autoscaling.scaleDownStabilizationSeconds (and the stable window)' },
  idleSeconds: { flag: 'idle-seconds', env: 'HELIOS_BENCH_IDLE_SECONDS', default: 30, doc: 'spec.autoscaling.scaleToZeroIdleSeconds' },
  phaseTimeout: { flag: 'phase-timeout', env: 'HELIOS_BENCH_PHASE_TIMEOUT', default: 240, doc: 'seconds a waiting phase (down, to zero) may take before the run fails' },
  keep: { flag: 'keep', env: 'HELIOS_BENCH_KEEP', default: false, doc: 'keep the work dir (etcd data, logs) after the run' },
  help: { flag: 'help', env: 'HELIOS_BENCH_HELP', default: false, doc: 'print this help' },
};

/** The resolved settings of one run. */
export type BenchSettings = Resolved<typeof BENCH_SETTINGS>;
