/**
 * The simulated fleet of the failover benchmark, run as a child process of it (fork, IPC):
 * `--nodes` NodeAgents in this one process over one LeasePool, so thousands of heartbeats share
 * a few LeaseKeepAlive streams, plus one agent key per cell so the cells count as live.
 * Killing a node cuts its lease's keep-alives (`release()`) without revoking it: etcd expires it
 * a TTL later, exactly as when a host dies.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Tier } from '@helios/api';
import { createLogger, loadConfig } from '@helios/config';
import { NodeAgent } from '@helios/node-agent';
import { simulatedGpus } from '@helios/sim';
import { Keys, LeasePool, ResourceStore, connectEtcd, type Lease } from '@helios/store';
import { simNode, type FleetCommand, type FleetReport } from './sim-fleet-protocol';

const SETTINGS = {
  etcd: { flag: 'etcd', env: 'HELIOS_ETCD', default: 'http://127.0.0.1:2379', doc: 'etcd endpoints, comma-separated' },
  nodes: { flag: 'nodes', env: 'HELIOS_SIM_NODES', default: 1000, doc: 'simulated nodes' },
  cells: { flag: 'cells', env: 'HELIOS_SIM_CELLS', default: 2, doc: 'cells the nodes are spread over' },
  ttl: { flag: 'ttl', env: 'HELIOS_SIM_TTL', default: 5, doc: 'heartbeat lease TTL, seconds' },
  streams: { flag: 'streams', env: 'HELIOS_SIM_STREAMS', default: 4, doc: 'LeaseKeepAlive streams' },
  concurrency: { flag: 'concurrency', env: 'HELIOS_SIM_CONCURRENCY', default: 100, doc: 'registrations in flight while starting' },
  root: { flag: 'root', env: 'HELIOS_ROOT', default: '/helios/v1', doc: 'etcd key root' },
};

/** A LeasePool that remembers the leases it granted, so the benchmark can cut one by id. */
class TrackingLeasePool extends LeasePool {
  readonly granted = new Map<string, Lease>();
  lost = 0;

  override async grant(ttlSeconds: number): Promise<Lease> {
    const lease = await super.grant(ttlSeconds);
    this.granted.set(lease.id, lease);
    lease.onLost(() => {
      this.lost++;
      this.granted.delete(lease.id);
    });
    return lease;
  }
}

function send(report: FleetReport): void {
  process.send?.(report);
}

async function main(): Promise<void> {
  const config = loadConfig(SETTINGS);
  const log = createLogger('sim-fleet', process.env.HELIOS_LOG_LEVEL ?? 'warn');
  // Ten thousand agents logging every failed re-registration with its stack would themselves
  // starve the event loop that renews the leases: agents log errors only, the fleet counts.
  const agentLog = createLogger('sim-node', process.env.HELIOS_SIM_NODE_LOG_LEVEL ?? 'error');
  const client = connectEtcd(config.etcd);
  const keys = new Keys(config.root);
  const store = new ResourceStore(client, keys);
  const leases = new TrackingLeasePool(client, { streams: config.streams, onError: (err) => log.warn({ err }, 'lease keep-alive problem (recovering)') });
  const agents = new Map<string, NodeAgent>();

  process.on('message', (message: FleetCommand) => {
    if (message.type === 'kill') {
      const at: Record<string, number> = {};
      const missing: string[] = [];
      for (const name of message.nodes) {
        const lease = leases.granted.get(agents.get(name)?.leaseId ?? '');
        if (!lease) {
          missing.push(name);
          continue;
        }
        at[name] = Date.now();
        lease.release();
      }
      send({ type: 'killed', at, missing });
    } else if (message.type === 'stats') {
      send({ type: 'stats', leasesLost: leases.lost, rssMiB: Math.round(process.memoryUsage().rss / 1048576) });
    } else if (message.type === 'stop') {
      leases.close();
      client.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));

  // A stalled event loop delays every renewal of every lease in this process: report stalls, so
  // a lost lease can be told apart from a slow etcd.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  let reportedLost = 0;
  loopDelay.enable();
  setInterval(() => {
    const maxMs = loopDelay.max / 1e6;
    if (maxMs > 500) log.warn({ maxMs: Math.round(maxMs), p99Ms: Math.round(loopDelay.percentile(99) / 1e6), leasesLost: leases.lost }, 'event loop stalled');
    if (leases.lost > reportedLost) log.warn({ leasesLost: leases.lost, since: leases.lost - reportedLost }, 'leases lost (their agents re-register)');
    reportedLost = leases.lost;
    loopDelay.reset();
  }, 5_000).unref();

  const started = Date.now();
  // One agent key per cell, so cell liveness sees a live agent and the cells are Ready.
  for (let c = 0; c < config.cells; c++) {
    const lease = await leases.grant(config.ttl);
    await client.put(keys.agent(`cell-${c}`)).value('bench-sim-fleet').lease(lease.id).exec();
  }
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < config.nodes) {
      const i = next++;
      const { cell, name } = simNode(i, config.cells);
      for (let attempt = 1; ; attempt++) {
        // A NodeAgent starts once; a failed start (etcd busy) is retried with a fresh one.
        const agent = new NodeAgent(
          { client, keys, leases, store, logger: agentLog },
          { cell, pool: `pool-${cell}`, nodeName: name, tier: Tier.TIER_ON_DEMAND, gpuType: 'h100', gpus: 8, leaseTtl: config.ttl, inventory: { source: 'static', gpus: simulatedGpus(name, 'h100', 8) } },
        );
        agents.set(name, agent);
        try {
          await agent.start();
          break;
        } catch (err) {
          if (attempt >= 5) throw new Error(`starting simulated node ${name}`, { cause: err });
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, lane));
  send({ type: 'ready', nodes: agents.size, seconds: (Date.now() - started) / 1000 });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err) });
  setTimeout(() => process.exit(1), 100);
});
