import { CellAgent } from '@helios/cell-agent';
import { createLogger, describeSettings, loadConfig } from '@helios/config';
import { instrumentProvider, type CloudProvider } from '@helios/provider';
import { ProcessRuntime, type ReplicaRuntime } from '@helios/replica-runtime';
import { SimCloudClient, SimNodeFleet, SimProvider, SimulatedRuntime } from '@helios/sim';
import { Keys, LeasePool, ResourceStore, connectEtcd } from '@helios/store';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { serveMetrics } from './metrics-server';

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
  id: { flag: 'id', env: 'HELIOS_AGENT_ID', default: '', doc: 'agent id (default: <host>-<pid>-<random>)' },
  leaseTtl: { flag: 'lease-ttl', env: 'HELIOS_LEASE_TTL', default: 5, min: 1, doc: 'election and liveness lease TTL in seconds' },
  nodeLeaseTtl: { flag: 'node-lease-ttl', env: 'HELIOS_NODE_LEASE_TTL', default: 5, min: 1, doc: 'heartbeat lease TTL of simulated nodes in seconds' },
  simRuntime: {
    flag: 'sim-runtime',
    env: 'HELIOS_SIM_RUNTIME',
    default: 'simulated',
    doc: 'how simulated nodes run replicas: simulated (Ready at once, no process), process (a child process each) or none',
  },
  simLaunchLatencyMs: { flag: 'sim-launch-latency-ms', env: 'HELIOS_SIM_LAUNCH_LATENCY_MS', default: 200, doc: 'sim provider: launch to running, in ms' },
  leaseStreams: { flag: 'lease-streams', env: 'HELIOS_LEASE_STREAMS', default: 4, doc: 'keep-alive streams shared by all leases of this process' },
  resyncMs: { flag: 'resync-ms', env: 'HELIOS_RESYNC_MS', default: 30_000, doc: 'reconcile every pool at least this often, in ms' },
  capacityRetryMs: { flag: 'capacity-retry-ms', env: 'HELIOS_CAPACITY_RETRY_MS', default: 30_000, doc: 'wait before launching again into a pool the cloud had no capacity for, in ms' },
  unknownInstanceGraceMs: {
    flag: 'unknown-instance-grace-ms',
    env: 'HELIOS_UNKNOWN_INSTANCE_GRACE_MS',
    default: 600_000,
    doc: 'terminate tagged instances etcd does not know (no Node, no launch intent) after this long, in ms',
  },
  notReadyGraceMs: { flag: 'not-ready-grace-ms', env: 'HELIOS_NOT_READY_GRACE_MS', default: 600_000, doc: 'terminate idle NotReady nodes after this long, in ms' },
  metricsAddr: { flag: 'metrics-addr', env: 'HELIOS_METRICS_ADDR', default: '', doc: 'host:port serving GET /metrics (empty: none)' },
  help: { flag: 'help', env: 'HELIOS_HELP', default: false, doc: 'print this help' },
};

/** Composition root of a cell agent: one cell, one cloud, and (with a local sim) its simulated nodes. */
async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger('cell-agent');
  const client = connectEtcd(config.etcd);
  const keys = new Keys(config.root);
  const store = new ResourceStore(client, keys);
  const leases = new LeasePool(client, { streams: config.leaseStreams, onError: (err) => log.warn({ err }, 'lease keep-alive problem (recovering)') });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });

  // The provider is built here and only here. A local sim also runs the nodes it boots, on the
  // same lease pool, so simulated nodes hold real etcd leases; a remote sim's owner runs them.
  let sim: SimProvider | undefined;
  let fleet: SimNodeFleet | undefined;
  let runtime: ReplicaRuntime | undefined;
  let cloud: CloudProvider;
  if (config.simUrl) {
    cloud = new SimCloudClient({ url: config.simUrl });
  } else {
    sim = new SimProvider({ launchLatencyMs: config.simLaunchLatencyMs });
    runtime = replicaRuntime(config.simRuntime, log);
    fleet = new SimNodeFleet({ client, keys, leases, store, logger: log.child({ component: 'sim-node' }) }, sim, { nodeLeaseTtl: config.nodeLeaseTtl, runtime });
    fleet.start();
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
  const metricsServer = config.metricsAddr ? await serveMetrics(config.metricsAddr, metrics) : undefined;
  if (metricsServer) log.info({ url: `${metricsServer.url}/metrics` }, 'serving metrics');

  let exiting = false;
  const shutdown = async (signal: string) => {
    if (exiting) return;
    exiting = true;
    log.info({ signal }, 'shutting down');
    try {
      await agent.stop();
      const nodes = fleet?.size ?? 0;
      await fleet?.stop();
      await runtime?.close(1_000);
      if (fleet) log.info({ nodes }, 'simulated nodes stopped; their leases revoked');
      await metricsServer?.close();
    } catch (err) {
      log.error({ err }, 'unclean shutdown');
      process.exitCode = 1;
    }
    sim?.close();
    leases.close();
    client.close();
    process.exit(process.exitCode ?? 0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  log.info({ cell: config.cell, provider: config.provider, simUrl: config.simUrl || undefined, id: agent.id }, 'cell agent starting');
  agent.start();
}

/** The runtime simulated nodes run replicas with. */
function replicaRuntime(kind: string, log: ReturnType<typeof createLogger>): ReplicaRuntime | undefined {
  if (kind === 'simulated') return new SimulatedRuntime();
  // Many simulated nodes share this host: every replica gets its own port.
  if (kind === 'process') return new ProcessRuntime({ logger: log.child({ runtime: 'process' }), allocateAllPorts: true });
  return undefined;
}

/** Reads flags and environment; prints help or a usage error and exits when that is all there is to do. */
function readConfig() {
  try {
    const config = loadConfig(SETTINGS);
    if (config.help) {
      process.stdout.write(`helios cell agent\n${describeSettings(SETTINGS)}\n`);
      process.exit(0);
    }
    if (!config.cell) throw new Error('--cell is required');
    if (config.provider !== 'sim') throw new Error(`--provider ${config.provider} is not available yet; use sim`);
    if (!['simulated', 'process', 'none'].includes(config.simRuntime)) throw new Error(`--sim-runtime must be simulated, process or none, got "${config.simRuntime}"`);
    return config;
  } catch (err) {
    process.stderr.write(`cell-agent: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`cell-agent: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
