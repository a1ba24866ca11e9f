import { runComponent } from '@helios/launcher';
import { NodeAgent, PreemptionWatcher, resolveNodeAgentSettings } from '@helios/node-agent';
import { parseAddressList } from '@helios/node-client';
import { ProcessRuntime, reapOrphanGroups } from '@helios/replica-runtime';
import { simulatedGpus } from '@helios/sim/gpus';
import { hostname, networkInterfaces } from 'node:os';
import { parsePreemptionFlag, preemptionSourceFor } from './preemption-source';
import { readBootstrapToken } from './bootstrap-token';
import { parseTierFlag } from './tier-flag';

const DEFAULTS = resolveNodeAgentSettings();

const SETTINGS = {
  controlPlane: { flag: 'control-plane', env: 'HELIOS_CONTROL_PLANE', default: '127.0.0.1:50051', doc: 'control-plane gRPC addresses, host:port[,host:port...]; the node moves to the next when one fails' },
  token: { flag: 'token', env: 'HELIOS_BOOTSTRAP_TOKEN', default: '', doc: 'bootstrap token <id>.<secret> from `helios token create` (its cell is the node\'s); needed until the node holds a credential' },
  tokenFile: { flag: 'token-file', env: 'HELIOS_BOOTSTRAP_TOKEN_FILE', default: '', doc: 'file holding the bootstrap token (instead of --token, which shows in the process list)' },
  pool: { flag: 'pool', env: 'HELIOS_POOL', default: '', doc: 'node pool this node belongs to (required)' },
  node: { flag: 'node', env: 'HELIOS_NODE', default: hostname(), doc: 'node name' },
  tier: { flag: 'tier', env: 'HELIOS_NODE_TIER', default: 'on-demand', doc: 'reserved, on-demand or preemptible' },
  gpuType: { flag: 'gpu-type', env: 'HELIOS_GPU_TYPE', default: 'h100', doc: 'GPU type reported when nvidia-smi is absent' },
  gpus: { flag: 'gpus', env: 'HELIOS_GPUS', default: 8, min: 0, doc: 'simulated GPU count when nvidia-smi is absent' },
  providerId: { flag: 'provider-id', env: 'HELIOS_PROVIDER_ID', default: '', doc: 'cloud instance id (default: the node name)' },
  zone: { flag: 'zone', env: 'HELIOS_ZONE', default: '', doc: 'zone of the host' },
  address: { flag: 'address', env: 'HELIOS_NODE_ADDRESS', default: '', doc: 'address replicas are reached at (default: first non-loopback IPv4)' },
  leaseTtl: { flag: 'lease-ttl', env: 'HELIOS_NODE_LEASE_TTL', default: DEFAULTS.leaseTtl, min: 1, doc: 'heartbeat lease TTL in seconds' },
  runtime: { flag: 'runtime', env: 'HELIOS_NODE_RUNTIME', default: 'process', doc: "replica runtime: process (runs the template's command) or none" },
  replicaCwd: { flag: 'replica-cwd', env: 'HELIOS_REPLICA_CWD', default: '', doc: 'working directory of replica processes (default: the current one)' },
  stateDir: {
    flag: 'state-dir',
    env: 'HELIOS_NODE_STATE_DIR',
    default: '',
    doc: 'directory of the node credential (a restarted agent registers with it, no new token) and of the replica processes started (an agent restarted after a crash kills those its predecessor left running); default: none',
  },
  replicaLogs: { flag: 'replica-logs', env: 'HELIOS_REPLICA_LOG_DIR', default: '', doc: 'directory for replica stdout/stderr, one file per replica (default: discarded)' },
  drainSeconds: { flag: 'drain-seconds', env: 'HELIOS_DRAIN_SECONDS', default: DEFAULTS.drainSeconds, min: 0, doc: "drain before SIGTERM when a deployment's strategy sets none" },
  graceSeconds: { flag: 'termination-grace-seconds', env: 'HELIOS_TERMINATION_GRACE_SECONDS', default: DEFAULTS.terminationGraceSeconds, min: 0, doc: "SIGTERM-to-SIGKILL grace when a deployment's strategy sets none" },
  preemption: { flag: 'preemption', env: 'HELIOS_PREEMPTION', default: 'none', doc: "cloud preemption notice to watch: none, aws (IMDSv2 spot/instance-action) or gcp (instance/preempted)" },
  metadataUrl: { flag: 'metadata-url', env: 'HELIOS_METADATA_URL', default: '', doc: 'instance metadata endpoint (default: the cloud\'s well-known one)' },
  preemptionPollMs: { flag: 'preemption-poll-ms', env: 'HELIOS_PREEMPTION_POLL_MS', default: DEFAULTS.preemptionPollMs, doc: 'how often the preemption notice is read, in ms' },
};

/**
 * Composition root of the node agent: one host, one lease, the replicas bound to it, all through
 * the control plane's node API; the host holds no etcd credentials.
 */
runComponent({
  name: 'node-agent',
  summary: 'Helios node agent: joins the control plane with a bootstrap token, registers this host as a Node of its pool, keeps its lease alive, and runs the replicas bound to it.',
  usage: 'node-agent --control-plane <host:port[,host:port]> --token-file <file> --pool <name> [--flag value ...]',
  settings: SETTINGS,
  check(config) {
    parseAddressList(config.controlPlane);
    if (!config.pool) throw new Error('--pool is required');
    if (config.token && config.tokenFile) throw new Error('give --token or --token-file, not both');
    parseTierFlag(config.tier);
    if (config.runtime !== 'process' && config.runtime !== 'none') throw new Error(`--runtime must be process or none, got "${config.runtime}"`);
  },
  async start(config, { logger: log, onStop }) {
    const token = readBootstrapToken(config.token, config.tokenFile);
    if (config.runtime === 'process' && config.stateDir) {
      // A predecessor SIGKILLed on this host could not stop its replicas: they would hold GPUs and
      // ports beside the ones this agent is about to start.
      for (const orphan of reapOrphanGroups(config.stateDir)) log.warn({ pid: orphan.pid, replica: orphan.label }, 'killed a replica process left running by an earlier agent');
    }
    const runtime =
      config.runtime === 'process'
        ? new ProcessRuntime({ cwd: config.replicaCwd || undefined, logDir: config.replicaLogs || undefined, stateDir: config.stateDir || undefined, logger: log.child({ runtime: 'process' }) })
        : undefined;
    onStop('replica runtime', () => runtime?.close(1_000));
    const agent = new NodeAgent(
      { controlPlane: { addresses: parseAddressList(config.controlPlane), token, stateDir: config.stateDir || undefined }, logger: log, runtime },
      {
        pool: config.pool,
        nodeName: config.node,
        tier: parseTierFlag(config.tier),
        gpuType: config.gpuType,
        gpus: config.gpus,
        providerId: config.providerId || undefined,
        zone: config.zone || undefined,
        address: config.address || hostAddress(),
        leaseTtl: config.leaseTtl,
        inventory: { source: 'detect', fallback: ({ nodeName, gpuType, gpus }) => simulatedGpus(nodeName, gpuType, gpus) },
        drainSeconds: config.drainSeconds,
        terminationGraceSeconds: config.graceSeconds,
      },
    );
    // Stopped even mid-start: its replicas go with it.
    onStop('node agent', () => agent.stop());

    // The node's side of preemption: read the cloud's notice and report it; the control plane marks
    // the Node Draining, the cell agent retires its replicas and launches the replacement.
    const source = preemptionSourceFor(parsePreemptionFlag(config.preemption), config.metadataUrl);
    const watcher = source
      ? new PreemptionWatcher({ report: (deadline) => agent.reportPreemption(deadline), source, logger: log }, { node: config.node, pollMs: config.preemptionPollMs })
      : undefined;
    onStop('preemption watcher', () => watcher?.stop());

    await agent.start();
    watcher?.start();
  },
});

/** The first non-internal IPv4 address of the host, else loopback. */
function hostAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const v4 = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  return '127.0.0.1';
}

