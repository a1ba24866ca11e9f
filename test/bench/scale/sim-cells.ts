/**
 * A cell process of the scale benchmark, forked by it (IPC): the cell agents of `--cells` and the
 * simulated nodes they launch. Everything is the production code but the cloud: one SimProvider
 * shared by the cells here, a SimNodeFleet booting a NodeAgent for each instance that runs
 * (joined through the control planes' node API: its lease, heartbeat and Node are the
 * gateway's), and a SimulatedRuntime that takes each replica bound to a node to Starting and
 * Ready without a process. The cell agents share one etcd client and one LeasePool; the nodes
 * share one gRPC channel per control-plane address, each with its own credential and streams,
 * as the cell-agent app does with a local sim; each CellAgent keeps its own informers.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CellAgent } from '@helios/cell-agent';
import { SimNodeFleet, SimNodeTokens, SimProvider, SimulatedRuntime } from '@helios/sim';
import { createLogger, loadConfig } from '@helios/config';
import { NodeChannels, RegistrationGate, parseAddressList } from '@helios/node-client';
import { connectOperator } from '@helios/operator-client';
import { Keys, LeasePool, ResourceStore, connectEtcd } from '@helios/store';
import { ConcurrencyGate } from './concurrency-gate';
import type { CellsCommand, CellsReport } from './sim-cells-protocol';

const SETTINGS = {
  etcd: { flag: 'etcd', env: 'HELIOS_ETCD', default: 'http://127.0.0.1:2379', doc: 'etcd endpoints, comma-separated' },
  root: { flag: 'root', env: 'HELIOS_ROOT', default: '/helios/v1', doc: 'etcd key root' },
  controlPlane: { flag: 'control-plane', env: 'HELIOS_CONTROL_PLANE', default: '127.0.0.1:50051', doc: 'control-plane gRPC addresses the simulated nodes join, comma-separated' },
  cells: { flag: 'cells', env: 'HELIOS_SIM_CELLS', default: '', doc: 'the cells this process runs, comma-separated' },
  leaseTtl: { flag: 'lease-ttl', env: 'HELIOS_SIM_LEASE_TTL', default: 5, min: 2, doc: 'election and liveness lease TTL of the cell agents, seconds' },
  nodeLeaseTtl: { flag: 'node-lease-ttl', env: 'HELIOS_SIM_NODE_LEASE_TTL', default: 30, min: 2, doc: 'heartbeat lease TTL of the simulated nodes, seconds' },
  streams: { flag: 'streams', env: 'HELIOS_SIM_STREAMS', default: 4, min: 1, doc: 'LeaseKeepAlive streams of this process' },
  readyAfterMs: { flag: 'ready-after-ms', env: 'HELIOS_SIM_READY_AFTER_MS', default: 0, min: 0, doc: 'simulated runtime: start to Ready, ms' },
  launchLatencyMs: { flag: 'launch-latency-ms', env: 'HELIOS_SIM_LAUNCH_LATENCY_MS', default: 200, min: 0, doc: 'sim cloud: launch to running, ms' },
  bootConcurrency: { flag: 'boot-concurrency', env: 'HELIOS_SIM_BOOT_CONCURRENCY', default: 16, min: 1, doc: 'node agents registering at once' },
};

type RunningListener = Parameters<SimProvider['onInstanceRunning']>[0];

/**
 * A sim cloud whose running instances boot their node agents a few at a time: the sim turns a
 * whole launch (500 instances) running at once, and 500 registrations at once per cell swamp
 * etcd (see the benchmark's --boot-concurrency). Only the announcement to the node fleet is
 * paced; the cloud's own state (what `list` returns to the pool reconciler) is not.
 */
class PacedBootSim extends SimProvider {
  constructor(
    options: ConstructorParameters<typeof SimProvider>[0],
    private readonly gate: ConcurrencyGate,
  ) {
    super(options);
  }

  override onInstanceRunning(listener: RunningListener): () => void {
    return super.onInstanceRunning((event) => this.gate.run(() => listener(event)));
  }
}

function send(report: CellsReport): void {
  process.send?.(report);
}

async function main(): Promise<void> {
  const config = loadConfig(SETTINGS);
  const cells = config.cells.split(',').filter(Boolean);
  if (cells.length === 0) throw new Error('--cells names no cell');
  const log = createLogger('sim-cells', process.env.HELIOS_LOG_LEVEL ?? 'info');
  // Thousands of node agents logging each registration would cost more than they do.
  const nodeLog = createLogger('sim-node', process.env.HELIOS_SIM_NODE_LOG_LEVEL ?? 'warn');
  const client = connectEtcd(config.etcd);
  const keys = new Keys(config.root);
  const store = new ResourceStore(client, keys);
  const leases = new LeasePool(client, { streams: config.streams, onError: (err) => log.warn({ err }, 'lease keep-alive problem (recovering)') });
  const sim = new PacedBootSim({ launchLatencyMs: config.launchLatencyMs }, new ConcurrencyGate(config.bootConcurrency));
  const runtime = new SimulatedRuntime({ readyAfterMs: config.readyAfterMs });
  const addresses = parseAddressList(config.controlPlane);
  const operator = connectOperator(addresses[0]!, { timeoutMs: 30_000 });
  const tokens = new SimNodeTokens((cell, uses) => operator.createBootstrapToken({ cell, pool: '', uses, ttlSeconds: 24 * 3_600, description: 'bench:scale nodes' }).then((r) => r.token));
  const channels = new NodeChannels();
  const fleet = new SimNodeFleet(
    { addresses, tokens, channels, registrations: new RegistrationGate(), store, logger: nodeLog },
    sim,
    { nodeLeaseTtl: config.nodeLeaseTtl, runtime },
  );
  const agents = cells.map(
    (cell) =>
      new CellAgent(
        { client, keys, provider: sim, leases, store, logger: log },
        // A NotReady node is not this benchmark's business: keep its instance rather than churn.
        { cell, id: `bench-${cell}`, leaseTtl: config.leaseTtl, notReadyGraceMs: 600_000, unknownInstanceGraceMs: 600_000 },
      ),
  );

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled(agents.map((a) => a.stop()));
    await fleet.stop().catch((err: unknown) => log.warn({ err }, 'stopping the simulated nodes'));
    await runtime.close().catch(() => undefined);
    channels.close();
    operator.close();
    sim.close();
    leases.close();
    client.close();
    process.exit(0);
  };

  // A stalled event loop here delays bindings, status writes and every renewal of every lease.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  process.on('message', (message: CellsCommand) => {
    if (message.type === 'stats') {
      send({ type: 'stats', rssMiB: Math.round(process.memoryUsage().rss / 1048576), nodeAgents: fleet.size, maxLoopDelayMs: Math.round(loopDelay.max / 1e6) });
      loopDelay.reset();
    } else if (message.type === 'stop') {
      void stop();
    }
  });
  // The benchmark gone (killed, crashed): nothing here may outlive it.
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());

  fleet.start();
  for (const agent of agents) agent.start();
  await Promise.all(agents.map((a) => a.whenLeading()));
  send({ type: 'leading', cells });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err) });
  setTimeout(() => process.exit(1), 100);
});
