import type { Resolved } from '@helios/config';

/** Every knob of `npm run bench:rollout -- [--flag value ...]`. */
export const BENCH_SETTINGS = {
  replicas: { flag: 'replicas', env: 'HELIOS_BENCH_REPLICAS', default: 8, doc: 'replicas of the benchmark deployment (at least 8)' },
  rate: { flag: 'rate', env: 'HELIOS_BENCH_RATE', default: 250, doc: 'requests per second the load generator sends through the router (at least 200)' },
  maxSurge: { flag: 'max-surge', env: 'HELIOS_BENCH_MAX_SURGE', default: '25%', doc: 'strategy.maxSurge of the deployment' },
  maxUnavailable: { flag: 'max-unavailable', env: 'HELIOS_BENCH_MAX_UNAVAILABLE', default: '0', doc: 'strategy.maxUnavailable of the deployment' },
  minReadySeconds: { flag: 'min-ready-seconds', env: 'HELIOS_BENCH_MIN_READY_SECONDS', default: 1, doc: 'strategy.minReadySeconds' },
  progressDeadlineSeconds: { flag: 'progress-deadline-seconds', env: 'HELIOS_BENCH_PROGRESS_DEADLINE', default: 20, doc: 'strategy.progressDeadlineSeconds: how long the broken version may make no progress' },
  drainSeconds: { flag: 'drain-seconds', env: 'HELIOS_BENCH_DRAIN_SECONDS', default: 2, doc: 'strategy.drainSeconds: a retired replica keeps serving this long after leaving the endpoint set' },
  nodes: { flag: 'nodes', env: 'HELIOS_BENCH_NODES', default: 4, doc: 'simulated nodes, each a node-agent process running real model-server processes' },
  gpusPerNode: { flag: 'gpus-per-node', env: 'HELIOS_BENCH_GPUS_PER_NODE', default: 4, doc: 'GPUs of each node (each replica takes one)' },
  nodeLeaseTtl: { flag: 'node-lease-ttl', env: 'HELIOS_BENCH_NODE_LEASE_TTL', default: 3, doc: 'heartbeat lease TTL of the nodes, seconds (how soon a killed node is noticed)' },
  latencyMs: { flag: 'latency-ms', env: 'HELIOS_BENCH_LATENCY_MS', default: 20, doc: 'time the model server takes per request, ms' },
  routerRetries: { flag: 'router-retries', env: 'HELIOS_BENCH_ROUTER_RETRIES', default: 5, doc: "router's further attempts on other endpoints after a connection error" },
  phaseTimeout: { flag: 'phase-timeout', env: 'HELIOS_BENCH_PHASE_TIMEOUT', default: 180, doc: 'seconds each phase may take before the run fails' },
  maxSeconds: { flag: 'max-seconds', env: 'HELIOS_BENCH_MAX_SECONDS', default: 900, doc: 'the load generator stops after this long whatever happens' },
  keep: { flag: 'keep', env: 'HELIOS_BENCH_KEEP', default: false, doc: 'keep the work dir (etcd data, logs) after the run' },
  help: { flag: 'help', env: 'HELIOS_BENCH_HELP', default: false, doc: 'print this help' },
};

/** The resolved settings of one run. */
export type BenchSettings = Resolved<typeof BENCH_SETTINGS>;
