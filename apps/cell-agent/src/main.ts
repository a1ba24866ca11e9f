import { CellAgent, SimNodeFleet } from '@helios/cell-agent';
import { createLogger, describeSettings, loadConfig } from '@helios/config';
import { SimProvider } from '@helios/provider';
import { Keys, LeasePool, ResourceStore, connectEtcd } from '@helios/store';

const SETTINGS = {
  etcd: { flag: 'etcd', env: 'HELIOS_ETCD', default: 'http://127.0.0.1:2379', doc: 'etcd endpoints, comma-separated' },
  cell: { flag: 'cell', env: 'HELIOS_CELL', default: '', doc: 'the cell this agent runs (required)' },
  provider: { flag: 'provider', env: 'HELIOS_PROVIDER', default: 'sim', doc: 'cloud provider adapter: sim' },
  root: { flag: 'root', env: 'HELIOS_ROOT', default: '/helios/v1', doc: 'etcd key root' },
  id: { flag: 'id', env: 'HELIOS_AGENT_ID', default: '', doc: 'agent id (default: <host>-<pid>-<random>)' },
  leaseTtl: { flag: 'lease-ttl', env: 'HELIOS_LEASE_TTL', default: 5, doc: 'election and liveness lease TTL in seconds' },
  nodeLeaseTtl: { flag: 'node-lease-ttl', env: 'HELIOS_NODE_LEASE_TTL', default: 5, doc: 'heartbeat lease TTL of simulated nodes in seconds' },
  simLaunchLatencyMs: { flag: 'sim-launch-latency-ms', env: 'HELIOS_SIM_LAUNCH_LATENCY_MS', default: 200, doc: 'sim provider: launch to running, in ms' },
  leaseStreams: { flag: 'lease-streams', env: 'HELIOS_LEASE_STREAMS', default: 4, doc: 'keep-alive streams shared by all leases of this process' },
  resyncMs: { flag: 'resync-ms', env: 'HELIOS_RESYNC_MS', default: 30_000, doc: 'reconcile every pool at least this often, in ms' },
  help: { flag: 'help', env: 'HELIOS_HELP', default: false, doc: 'print this help' },
};

/** Composition root of a cell agent: one cell, one cloud, and (with the sim) its simulated nodes. */
async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger('cell-agent');
  const client = connectEtcd(config.etcd);
  const keys = new Keys(config.root);
  const store = new ResourceStore(client, keys);
  const leases = new LeasePool(client, { streams: config.leaseStreams, onError: (err) => log.warn({ err }, 'lease keep-alive problem (recovering)') });

  // The provider is built here and only here; the sim also runs the nodes it boots, on the same
  // lease pool, so simulated nodes hold real etcd leases.
  const provider = new SimProvider({ launchLatencyMs: config.simLaunchLatencyMs });
  const fleet = new SimNodeFleet({ client, keys, leases, store, logger: log.child({ component: 'sim-node' }) }, provider, { nodeLeaseTtl: config.nodeLeaseTtl });
  fleet.start();

  const agent = new CellAgent({ client, keys, provider, leases, store, logger: log }, { cell: config.cell, id: config.id || undefined, leaseTtl: config.leaseTtl, resyncMs: config.resyncMs });

  let exiting = false;
  const shutdown = async (signal: string) => {
    if (exiting) return;
    exiting = true;
    log.info({ signal }, 'shutting down');
    try {
      await agent.stop();
      const nodes = fleet.size;
      await fleet.stop();
      log.info({ nodes }, 'simulated nodes stopped; their leases revoked');
    } catch (err) {
      log.error({ err }, 'unclean shutdown');
      process.exitCode = 1;
    }
    provider.close();
    leases.close();
    client.close();
    process.exit(process.exitCode ?? 0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  log.info({ cell: config.cell, provider: config.provider, id: agent.id }, 'cell agent starting');
  agent.start();
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
    return config;
  } catch (err) {
    process.stderr.write(`cell-agent: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

void main();
