import type { Resolved } from '@helios/config';

/** Every knob of `npm run bench:failover -- [--flag value ...]`. */
export const BENCH_SETTINGS = {
  nodes: { flag: 'nodes', env: 'HELIOS_BENCH_NODES', default: 1000, doc: 'simulated nodes (NodeAgents in one child process, through the node API over one channel per control plane)' },
  cells: { flag: 'cells', env: 'HELIOS_BENCH_CELLS', default: 0, doc: 'cells the nodes are spread over; 0 = one per 500 nodes' },
  ttl: { flag: 'ttl', env: 'HELIOS_BENCH_TTL', default: 5, doc: 'heartbeat lease TTL of every node, seconds (5 is the default TTL the targets are set for)' },
  kill: { flag: 'kill', env: 'HELIOS_BENCH_KILL', default: 0, doc: 'simulated nodes whose keep-alives are cut; 0 = 2 % of --nodes, at least 10' },
  agents: { flag: 'agents', env: 'HELIOS_BENCH_AGENTS', default: 4, doc: 'nodes of the served cell: node-agent processes on sim cloud hosts, with a cell agent, running the deployment' },
  gpusPerAgent: { flag: 'gpus-per-agent', env: 'HELIOS_BENCH_GPUS_PER_AGENT', default: 2, doc: 'GPUs of each served node' },
  replicas: { flag: 'replicas', env: 'HELIOS_BENCH_REPLICAS', default: 4, doc: 'model-server replicas (one GPU each) of the deployment on the served cell; 0 = no deployment, no replacement figure' },
  killAgents: { flag: 'kill-agents', env: 'HELIOS_BENCH_KILL_AGENTS', default: 2, doc: 'served hosts killed (node agent and replicas SIGKILLed), those serving the most replicas first' },
  replacementTimeout: { flag: 'replacement-timeout', env: 'HELIOS_BENCH_REPLACEMENT_TIMEOUT', default: 120, doc: 'seconds the deployment may take to serve every replica again after the kills' },
  replicasPerNode: { flag: 'replicas-per-node', env: 'HELIOS_BENCH_REPLICAS_PER_NODE', default: 0, doc: 'Ready replicas bound to every simulated node (to measure evictions)' },
  registerConcurrency: { flag: 'register-concurrency', env: 'HELIOS_BENCH_REGISTER_CONCURRENCY', default: 50, doc: 'simulated nodes registering at once while the fleet starts' },
  registerRate: { flag: 'register-rate', env: 'HELIOS_BENCH_REGISTER_RATE', default: 50, doc: 'registrations (Join, Register) per second of the whole simulated fleet' },
  controlPlanes: { flag: 'control-planes', env: 'HELIOS_BENCH_CONTROL_PLANES', default: 3, min: 1, doc: 'control-plane replicas; every one serves the node API, the simulated nodes spread over them' },
  settle: { flag: 'settle', env: 'HELIOS_BENCH_SETTLE', default: 0, doc: 'seconds to watch for false failures after each etcd disruption; 0 = 3 TTLs + 1 s per 1,000 nodes (etcd revokes at most 1,000 expired leases a second)' },
  controlPlaneFailover: {
    flag: 'control-plane-failover',
    env: 'HELIOS_BENCH_CONTROL_PLANE_FAILOVER',
    default: true,
    doc: 'SIGKILL the leading control plane, then the replica serving the most nodes (needs 3 control planes), and count false failures through both',
  },
  keep: { flag: 'keep', env: 'HELIOS_BENCH_KEEP', default: false, doc: 'keep the work dir (etcd data, logs) after the run' },
  help: { flag: 'help', env: 'HELIOS_BENCH_HELP', default: false, doc: 'print this help' },
};

/** The resolved settings of one run. */
export type BenchSettings = Resolved<typeof BENCH_SETTINGS>;

/** The TTL the detection target is defined for. */
export const DEFAULT_TTL_SECONDS = 5;

/** The run the settings describe, derived defaults filled in. */
export interface BenchPlan {
  nodes: number;
  cells: number;
  kill: number;
  agents: number;
  killAgents: number;
  replicas: number;
  settleSeconds: number;
}

/**
 * Fills the derived defaults: cells, kill count, settle time. Throws when the served cell could
 * not hold the deployment once its killed hosts are gone: replacement would then measure a
 * shortage, not failover.
 *
 * Example: 4 agents of 2 GPUs, 2 killed -> at most 4 replicas (2 live hosts x 2 GPUs).
 */
export function deriveBenchPlan(s: BenchSettings): BenchPlan {
  const nodes = Math.max(1, Math.floor(s.nodes));
  const cells = s.cells > 0 ? Math.floor(s.cells) : Math.max(1, Math.ceil(nodes / 500));
  const kill = Math.min(nodes, s.kill > 0 ? Math.floor(s.kill) : Math.max(10, Math.round(nodes * 0.02)));
  const agents = Math.max(0, Math.floor(s.agents));
  const killAgents = Math.min(agents, Math.max(0, Math.floor(s.killAgents)));
  const replicas = Math.max(0, Math.floor(s.replicas));
  const room = (agents - killAgents) * Math.max(0, Math.floor(s.gpusPerAgent));
  if (replicas > room) throw new Error(`--replicas ${replicas} cannot be replaced on the ${agents - killAgents} served hosts left after --kill-agents ${killAgents} (${room} GPUs); raise --agents or --gpus-per-agent`);
  const settleSeconds = s.settle > 0 ? s.settle : 3 * s.ttl + Math.ceil(nodes / 1000);
  return { nodes, cells, kill, agents, killAgents, replicas, settleSeconds };
}
