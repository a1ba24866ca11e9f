import type { Resolved } from '@helios/config';

/** Every knob of `npm run bench:scale -- [--flag value ...]`. */
export const BENCH_SETTINGS = {
  nodes: { flag: 'nodes', env: 'HELIOS_BENCH_NODES', default: 10_000, min: 1, doc: 'simulated nodes (node agents on the sim cloud, run by the cell processes), spread evenly over the cells' },
  cells: { flag: 'cells', env: 'HELIOS_BENCH_CELLS', default: 20, min: 1, doc: 'cells, one sim pool each (min = max = its nodes), each with its own cell agent' },
  deployments: { flag: 'deployments', env: 'HELIOS_BENCH_DEPLOYMENTS', default: 200, min: 1, doc: 'deployments applied in the burst' },
  replicas: { flag: 'replicas', env: 'HELIOS_BENCH_REPLICAS', default: 40_000, min: 1, doc: 'replicas of 1 GPU in total, spread evenly over the deployments' },
  gpusPerNode: { flag: 'gpus-per-node', env: 'HELIOS_BENCH_GPUS_PER_NODE', default: 8, min: 1, doc: 'GPUs of every simulated node' },
  cellProcesses: {
    flag: 'cell-processes',
    env: 'HELIOS_BENCH_CELL_PROCESSES',
    default: 4,
    min: 1,
    doc: 'child processes the cells are shared out over; each runs its cells\' agents and nodes over one etcd client, one lease pool and one replica watch',
  },
  // 500 node agents booting at once per cell (the sim cloud runs a launch's instances together)
  // are 10,000 lease grants, heartbeats and Node writes in a second: etcd timed out requests
  // ("waiting for the applied index took too long"), the cell agents' own leases lapsed and no
  // node registered for minutes. Real hosts boot spread over tens of seconds.
  bootConcurrency: { flag: 'boot-concurrency', env: 'HELIOS_BENCH_BOOT_CONCURRENCY', default: 16, min: 1, doc: 'simulated nodes each cell process registers at once while the fleet starts' },
  nodeLeaseTtl: { flag: 'node-lease-ttl', env: 'HELIOS_BENCH_NODE_LEASE_TTL', default: 30, min: 2, doc: 'heartbeat lease TTL of the simulated nodes, seconds (this benchmark measures placement, not detection)' },
  leaseTtl: { flag: 'lease-ttl', env: 'HELIOS_BENCH_LEASE_TTL', default: 5, min: 2, doc: 'election lease TTL of the control planes and cell agents, seconds: how soon the standby may lead' },
  spread: { flag: 'spread', env: 'HELIOS_BENCH_SPREAD', default: false, doc: 'deployments ask for SPREAD placement (replicas over every cell) instead of the default PACK' },
  readyAfterMs: { flag: 'ready-after-ms', env: 'HELIOS_BENCH_READY_AFTER_MS', default: 0, min: 0, doc: 'simulated runtime: start to Ready of a replica, ms' },
  leaseStreams: { flag: 'lease-streams', env: 'HELIOS_BENCH_LEASE_STREAMS', default: 4, min: 1, doc: 'LeaseKeepAlive streams of each cell process' },
  etcdMembers: { flag: 'etcd-members', env: 'HELIOS_BENCH_ETCD_MEMBERS', default: 1, min: 1, max: 5, doc: 'etcd members (1, or 3 for a production-like cluster on this one machine)' },
  applyConcurrency: { flag: 'apply-concurrency', env: 'HELIOS_BENCH_APPLY_CONCURRENCY', default: 0, min: 0, doc: 'Apply calls in flight during the burst; 0 = every deployment at once' },
  timeout: { flag: 'timeout', env: 'HELIOS_BENCH_TIMEOUT', default: 1_800, min: 10, doc: 'seconds the whole run may take; past it the run stops, cleans up and fails' },
  cpuProf: {
    flag: 'cpu-prof',
    env: 'HELIOS_BENCH_CPU_PROF',
    default: false,
    doc: 'write V8 CPU profiles of the control planes and cell processes to <work dir>/profiles (kept); the leader is then stopped with SIGTERM, not SIGKILL, so it writes its profile',
  },
  keep: { flag: 'keep', env: 'HELIOS_BENCH_KEEP', default: false, doc: 'keep the work dir (etcd data, logs) after the run' },
  help: { flag: 'help', env: 'HELIOS_BENCH_HELP', default: false, doc: 'print this help' },
};

/** The resolved settings of one run. */
export type BenchSettings = Resolved<typeof BENCH_SETTINGS>;

/** Targets the run must meet, or the benchmark exits non-zero. */
export const TARGETS = {
  /** Replicas bound per second, from the first Apply to the last replica Bound. */
  boundPerSecond: 1_000,
  /** The leading control plane's peak resident memory stays below this, MiB (1.5 GiB). */
  leaderPeakRssMiB: 1_536,
};

/** One cell of the run and the nodes of its pool. */
export interface CellPlan {
  name: string;
  pool: string;
  nodes: number;
}

/** One deployment of the burst. */
export interface DeploymentPlan {
  name: string;
  replicas: number;
}

/** The run the settings describe. */
export interface ScalePlan {
  cells: CellPlan[];
  deployments: DeploymentPlan[];
  /** The cells each cell process runs, by name. */
  groups: string[][];
  nodes: number;
  replicas: number;
}

/**
 * Splits `total` into `parts` counts that differ by at most one, the larger first.
 *
 * Example: 10 into 3 -> [4, 3, 3]; 2 into 4 -> [1, 1, 0, 0].
 */
export function spreadEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * Lays the run out: nodes spread over the cells, replicas over the deployments, cells over the
 * cell processes (contiguous runs, never more processes than cells). Throws, naming the flags,
 * when a cell would have no node, a deployment no replica, or the fleet too few GPUs for the
 * replicas (1 GPU each): the run would then measure a shortage, not placement.
 *
 * Example: 10 nodes, 3 cells, 2 cell processes, 5 replicas in 2 deployments ->
 *   cells cell-0 (4 nodes), cell-1 (3), cell-2 (3); deployments scale-0 (3), scale-1 (2);
 *   groups [cell-0, cell-1], [cell-2].
 */
export function deriveScalePlan(s: BenchSettings): ScalePlan {
  const nodes = Math.floor(s.nodes);
  const cellCount = Math.floor(s.cells);
  const deploymentCount = Math.floor(s.deployments);
  const replicas = Math.floor(s.replicas);
  if (cellCount > nodes) throw new Error(`--cells ${cellCount} exceeds --nodes ${nodes}: every cell needs a node`);
  if (deploymentCount > replicas) throw new Error(`--deployments ${deploymentCount} exceeds --replicas ${replicas}: every deployment needs a replica`);
  const gpus = nodes * Math.floor(s.gpusPerNode);
  if (replicas > gpus) throw new Error(`--replicas ${replicas} (1 GPU each) exceed the fleet's ${gpus} GPUs (--nodes ${nodes} x --gpus-per-node ${s.gpusPerNode})`);
  const cells = spreadEvenly(nodes, cellCount).map((n, i) => ({ name: `cell-${i}`, pool: `pool-${i}`, nodes: n }));
  const deployments = spreadEvenly(replicas, deploymentCount).map((n, i) => ({ name: `scale-${i}`, replicas: n }));
  const processes = Math.min(cellCount, Math.floor(s.cellProcesses));
  let next = 0;
  const groups = spreadEvenly(cellCount, processes).map((size) => cells.slice(next, (next += size)).map((c) => c.name));
  return { cells, deployments, groups, nodes, replicas };
}
