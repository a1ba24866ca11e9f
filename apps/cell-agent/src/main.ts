import { CellAgent, resolveCellAgentSettings } from '@helios/cell-agent';
import { parseHostPort, type Logger } from '@helios/config';
import { runComponent } from '@helios/launcher';
import { connectOperator } from '@helios/operator-client';
import { instrumentProvider, type CloudProvider } from '@helios/provider';
import { ProcessRuntime, type ReplicaRuntime } from '@helios/replica-runtime';
import { SimCloudClient, SimNodeFleet, SimNodeTokens, SimProvider, SimulatedRuntime, simulatedNodeSettings } from '@helios/sim';
import { Keys, LeasePool, ResourceStore, connectEtcd } from '@helios/store';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { serveMetrics } from './metrics-server';

const DEFAULTS = resolveCellAgentSettings();

const SETTINGS = {
  etcd: { flag: 'etcd', env: 'HELIOS_ETCD', default: 'http://127.0.0.1:2379', doc: 'etcd endpoints, comma-separated' },
  cell: { flag: 'cell', env: 'HELIOS_CELL', default: '', doc: 'the cell this agent runs (required)' },
  provider: { flag: 'provider', env: 'HELIOS_PROVIDER', default: 'sim', doc: 'cloud provider adapter: sim' },
  simUrl: {
    flag: 'sim-url',
    env: 'HELIOS_SIM_URL',
    default: '',
    doc: 'sim provider: URL of a sim cloud served by another process (it runs the simulated nodes); empty runs the sim and its nodes here',
  },
  root: { flag: 'root', env: 'HELIOS_ETCD_ROOT', default: '/helios/v1', doc: 'etcd key root' },
  controlPlane: {
    flag: 'control-plane',
    env: 'HELIOS_CONTROL_PLANE',
    default: '127.0.0.1:50051',
    doc: 'local sim only: control-plane gRPC addresses, host:port[,host:port...], that its simulated nodes join (through the node API, as real hosts do; their bootstrap tokens come from the first one\'s operator API)',
  },
  id: { flag: 'id', env: 'HELIOS_AGENT_ID', default: '', doc: 'agent id (default: <host>-<pid>-<random>)' },
  leaseTtl: { flag: 'lease-ttl', env: 'HELIOS_LEASE_TTL', default: DEFAULTS.leaseTtl, min: 1, doc: 'election and liveness lease TTL in seconds' },
  nodeLeaseTtl: { flag: 'node-lease-ttl', env: 'HELIOS_NODE_LEASE_TTL', default: simulatedNodeSettings().leaseTtl, min: 1, doc: 'heartbeat lease TTL of simulated nodes in seconds' },
  simRuntime: {
    flag: 'sim-runtime',
    env: 'HELIOS_SIM_RUNTIME',
    default: 'simulated',
    doc: 'how simulated nodes run replicas: simulated (Ready at once, no process), process (a child process each) or none',
  },
  simLaunchLatencyMs: { flag: 'sim-launch-latency-ms', env: 'HELIOS_SIM_LAUNCH_LATENCY_MS', default: 200, doc: 'sim provider: launch to running, in ms' },
  leaseStreams: { flag: 'lease-streams', env: 'HELIOS_LEASE_STREAMS', default: 4, doc: 'keep-alive streams shared by all leases of this process' },
  resyncMs: { flag: 'resync-ms', env: 'HELIOS_RESYNC_MS', default: DEFAULTS.resyncMs, doc: 'reconcile every pool at least this often, in ms' },
  capacityRetryMs: { flag: 'capacity-retry-ms', env: 'HELIOS_CAPACITY_RETRY_MS', default: DEFAULTS.capacityRetryMs, doc: 'wait before launching again into a pool the cloud had no capacity for, in ms' },
  unknownInstanceGraceMs: {
    flag: 'unknown-instance-grace-ms',
    env: 'HELIOS_UNKNOWN_INSTANCE_GRACE_MS',
    default: DEFAULTS.unknownInstanceGraceMs,
    doc: 'terminate tagged instances etcd does not know (no Node, no launch intent) after this long, in ms',
  },
  notReadyGraceMs: { flag: 'not-ready-grace-ms', env: 'HELIOS_NOT_READY_GRACE_MS', default: DEFAULTS.notReadyGraceMs, doc: 'terminate idle NotReady nodes after this long, in ms' },
  metricsAddr: { flag: 'metrics-addr', env: 'HELIOS_METRICS_ADDR', default: '', doc: 'host:port serving GET /metrics (empty: none)' },
};

/** Composition root of a cell agent: one cell, one cloud, and (with a local sim) its simulated nodes. */
runComponent({
  name: 'cell-agent',
  summary: 'Helios cell agent: runs one cell against one cloud (while elected its leader); with a local sim, also its simulated nodes.',
  usage: 'cell-agent --cell <name> [--flag value ...]',
  settings: SETTINGS,
  check(config) {
    if (!config.cell) throw new Error('--cell is required');
    if (config.provider !== 'sim') throw new Error(`--provider ${config.provider} is not available yet; use sim`);
    if (!['simulated', 'process', 'none'].includes(config.simRuntime)) throw new Error(`--sim-runtime must be simulated, process or none, got "${config.simRuntime}"`);
    const addresses = addressList(config.controlPlane);
    if (addresses.length === 0) throw new Error('--control-plane: no address given (host:port[,host:port...])');
    for (const address of addresses) parseHostPort(address, '--control-plane');
  },
  async start(config, { logger: log, onStop }) {
    const client = connectEtcd(config.etcd);
    onStop('etcd client', () => client.close());
    const keys = new Keys(config.root);
    const store = new ResourceStore(client, keys);
    const leases = new LeasePool(client, { streams: config.leaseStreams, onError: (err) => log.warn({ err }, 'lease keep-alive problem (recovering)') });
    onStop('lease pool', () => leases.close());
    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });

    // The provider is built here and only here. A local sim also runs the nodes it boots; they
    // join the control plane through its node API like real hosts (one shared channel per
    // address), so this process holds no lease of theirs. A remote sim's owner runs them.
    let cloud: CloudProvider;
    if (config.simUrl) {
      cloud = new SimCloudClient({ url: config.simUrl });
    } else {
      const sim = new SimProvider({ launchLatencyMs: config.simLaunchLatencyMs });
      onStop('sim provider', () => sim.close());
      const runtime = replicaRuntime(config.simRuntime, log);
      onStop('replica runtime', () => runtime?.close(1_000));
      const addresses = addressList(config.controlPlane);
      const operator = connectOperator(addresses[0]!, { timeoutMs: 10_000 });
      onStop('operator client', () => operator.close());
      // Tokens of a week: simulated hosts boot for as long as the fleet runs.
      const tokens = new SimNodeTokens((cell, uses) => operator.createBootstrapToken({ cell, pool: '', uses, ttlSeconds: 7 * 24 * 3_600, description: `simulated nodes of cell agent ${config.id || 'local'}` }).then((r) => r.token));
      const fleet = new SimNodeFleet(
        { addresses, tokens, store, logger: log.child({ component: 'sim-node' }) },
        sim,
        { nodeLeaseTtl: config.nodeLeaseTtl, runtime },
      );
      fleet.start();
      onStop('simulated nodes', async () => {
        const nodes = fleet.size;
        await fleet.stop();
        log.info({ nodes }, 'simulated nodes stopped; their leases expire on their own');
      });
      cloud = sim;
    }
    const provider = instrumentProvider(cloud, metrics);

    const agent = new CellAgent(
      { client, keys, provider, leases, store, logger: log, metrics },
      {
        cell: config.cell,
        id: config.id || undefined,
        leaseTtl: config.leaseTtl,
        resyncMs: config.resyncMs,
        capacityRetryMs: config.capacityRetryMs,
        unknownInstanceGraceMs: config.unknownInstanceGraceMs,
        notReadyGraceMs: config.notReadyGraceMs,
      },
    );
    // Stopped before the simulated nodes: it resigns first, so a standby takes over the cell at once.
    onStop('cell agent', () => agent.stop());
    if (config.metricsAddr) {
      const metricsServer = await serveMetrics(config.metricsAddr, metrics);
      onStop('metrics server', () => metricsServer.close());
      log.info({ url: `${metricsServer.url}/metrics` }, 'serving metrics');
    }

    log.info({ cell: config.cell, provider: config.provider, simUrl: config.simUrl || undefined, id: agent.id }, 'cell agent starting');
    agent.start();
  },
});

/** `a:1, b:2` -> [a:1, b:2]. */
function addressList(value: string): string[] {
  return value.split(',').map((a) => a.trim()).filter((a) => a !== '');
}

/** The runtime simulated nodes run replicas with. */
function replicaRuntime(kind: string, log: Logger): ReplicaRuntime | undefined {
  if (kind === 'simulated') return new SimulatedRuntime();
  // Many simulated nodes share this host: every replica gets its own port.
  if (kind === 'process') return new ProcessRuntime({ logger: log.child({ runtime: 'process' }), allocateAllPorts: true });
  return undefined;
}
