/**
 * The simulated fleet of the failover benchmark, run as a child process of it (fork, IPC):
 * `--nodes` NodeAgents in this one process, going through the control planes' node API as real
 * hosts do (one shared gRPC channel per control-plane address, each node with its own
 * credential, KeepAlive stream and lease; registrations paced by one RegistrationGate), plus one
 * agent key per cell so the cells count as live (the cell agents' part, which keeps etcd).
 * Killing a node stops its agent: no more keep-alives, no revoke; etcd expires its lease a TTL
 * later, exactly as when a host dies.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Tier } from '@helios/api';
import { createLogger, loadConfig } from '@helios/config';
import { NodeAgent } from '@helios/node-agent';
import { NodeChannels, RegistrationGate, parseAddressList } from '@helios/node-client';
import { connectOperator } from '@helios/operator-client';
import { SimNodeTokens, simulatedGpus } from '@helios/sim';
import { Keys, LeasePool, connectEtcd } from '@helios/store';
import { simNode, type FleetCommand, type FleetReport } from './sim-fleet-protocol';

const SETTINGS = {
  etcd: { flag: 'etcd', env: 'HELIOS_ETCD', default: 'http://127.0.0.1:2379', doc: 'etcd endpoints, comma-separated (the cells\' agent keys only)' },
  controlPlane: { flag: 'control-plane', env: 'HELIOS_CONTROL_PLANE', default: '127.0.0.1:50051', doc: 'control-plane gRPC addresses the nodes join, comma-separated' },
  nodes: { flag: 'nodes', env: 'HELIOS_SIM_NODES', default: 1000, doc: 'simulated nodes' },
  cells: { flag: 'cells', env: 'HELIOS_SIM_CELLS', default: 2, doc: 'cells the nodes are spread over' },
  ttl: { flag: 'ttl', env: 'HELIOS_SIM_TTL', default: 5, doc: 'heartbeat lease TTL, seconds' },
  concurrency: { flag: 'concurrency', env: 'HELIOS_SIM_CONCURRENCY', default: 100, doc: 'registrations in flight while starting' },
  registerRate: { flag: 'register-rate', env: 'HELIOS_SIM_REGISTER_RATE', default: 200, doc: 'registrations (Join, Register) per second of the whole fleet' },
  tokenUses: { flag: 'token-uses', env: 'HELIOS_SIM_TOKEN_USES', default: 100, doc: 'joins per bootstrap token (fewer: less contention on each token)' },
  root: { flag: 'root', env: 'HELIOS_ROOT', default: '/helios/v1', doc: 'etcd key root' },
};

function send(report: FleetReport): void {
  process.send?.(report);
}

async function main(): Promise<void> {
  const config = loadConfig(SETTINGS);
  const log = createLogger('sim-fleet', process.env.HELIOS_LOG_LEVEL ?? 'warn');
  // Ten thousand agents logging every reconnect would themselves starve the event loop that
  // sends the keep-alives: agents log errors only, the fleet counts.
  const agentLog = createLogger('sim-node', process.env.HELIOS_SIM_NODE_LOG_LEVEL ?? 'error');
  const addresses = parseAddressList(config.controlPlane);
  const client = connectEtcd(config.etcd);
  const keys = new Keys(config.root);
  const cellLeases = new LeasePool(client, { streams: 1, onError: (err) => log.warn({ err }, 'cell agent key keep-alive problem (recovering)') });
  const operator = connectOperator(addresses[0]!, { timeoutMs: 30_000 });
  const tokens = new SimNodeTokens((cell, uses) => operator.createBootstrapToken({ cell, pool: '', uses, ttlSeconds: 24 * 3_600, description: 'bench:failover nodes' }).then((r) => r.token), config.tokenUses);
  const channels = new NodeChannels();
  const gate = new RegistrationGate({ perSecond: config.registerRate, burst: Math.max(1, Math.round(config.registerRate / 4)) });
  const agents = new Map<string, NodeAgent>();
  const killed = new Set<string>();
  let leasesLost = 0;
  let reregistrations = 0;
  let answeredByStopped = 0;

  let watch: { address: string; at: number; nodes: Map<string, number>; done: Map<string, number>; timer: NodeJS.Timeout } | undefined;
  const pollWatch = () => {
    if (!watch) return;
    for (const [name, before] of watch.nodes) {
      if (watch.done.has(name)) continue;
      const c = agents.get(name)?.client;
      if (c && c.address !== watch.address && c.keepAlivesAnswered > before) watch.done.set(name, Date.now() - watch.at);
    }
  };

  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  process.on('message', (message: FleetCommand) => {
    if (message.type === 'kill') {
      const at: Record<string, number> = {};
      const missing: string[] = [];
      for (const name of message.nodes) {
        const agent = agents.get(name);
        if (!agent?.leaseId) {
          missing.push(name);
          continue;
        }
        at[name] = Date.now();
        killed.add(name);
        answeredByStopped += agent.client.keepAlivesAnswered;
        agents.delete(name);
        void agent.stop();
      }
      send({ type: 'killed', at, missing });
    } else if (message.type === 'watch-address') {
      const nodes = new Map<string, number>();
      for (const [name, agent] of agents) if (agent.client.address === message.address) nodes.set(name, agent.client.keepAlivesAnswered);
      watch = { address: message.address, at: Date.now(), nodes, done: new Map(), timer: setInterval(pollWatch, 20) };
      send({ type: 'watching', address: message.address, nodes: nodes.size });
    } else if (message.type === 'reconnects') {
      pollWatch();
      clearInterval(watch?.timer);
      send({ type: 'reconnects', ms: [...(watch?.done.values() ?? [])], pending: (watch?.nodes.size ?? 0) - (watch?.done.size ?? 0) });
    } else if (message.type === 'stats') {
      const byAddress: Record<string, number> = {};
      let answered = answeredByStopped;
      let streamsLost = 0;
      for (const agent of agents.values()) {
        byAddress[agent.client.address] = (byAddress[agent.client.address] ?? 0) + 1;
        answered += agent.client.keepAlivesAnswered;
        streamsLost += agent.client.keepAliveStreamsLost;
      }
      send({ type: 'stats', leasesLost, reregistrations, keepAlivesAnswered: answered, keepAliveStreamsLost: streamsLost, byAddress, rssMiB: Math.round(process.memoryUsage().rss / 1048576), maxLoopDelayMs: Math.round(loopDelay.max / 1e6) });
      loopDelay.reset();
    } else if (message.type === 'stop') {
      channels.close();
      operator.close();
      cellLeases.close();
      client.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));

  // A stalled event loop delays every keep-alive of every node in this process: report stalls,
  // so a lost lease can be told apart from a slow control plane or etcd.
  const stallWatch = monitorEventLoopDelay({ resolution: 20 });
  let reportedLost = 0;
  stallWatch.enable();
  setInterval(() => {
    const maxMs = stallWatch.max / 1e6;
    if (maxMs > 500) log.warn({ maxMs: Math.round(maxMs), p99Ms: Math.round(stallWatch.percentile(99) / 1e6), leasesLost, nodes: agents.size, heapMiB: Math.round(process.memoryUsage().heapUsed / 1048576) }, 'event loop stalled');
    if (leasesLost > reportedLost) log.warn({ leasesLost, since: leasesLost - reportedLost }, 'leases lost (their agents register again)');
    reportedLost = leasesLost;
    stallWatch.reset();
  }, 5_000).unref();

  const started = Date.now();
  // One agent key per cell, so cell liveness sees a live agent and the cells are Ready.
  for (let c = 0; c < config.cells; c++) {
    const lease = await cellLeases.grant(config.ttl);
    await client.put(keys.agent(`cell-${c}`)).value('bench-sim-fleet').lease(lease.id).exec();
  }
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < config.nodes) {
      const i = next++;
      const { cell, name } = simNode(i, config.cells);
      for (let attempt = 1; ; attempt++) {
        const token = await tokens.next(cell);
        const agent = new NodeAgent(
          { controlPlane: { addresses, token, channels, registrations: gate }, logger: agentLog },
          { pool: `pool-${cell}`, nodeName: name, tier: Tier.TIER_ON_DEMAND, gpuType: 'h100', gpus: 8, leaseTtl: config.ttl, inventory: { source: 'static', gpus: simulatedGpus(name, 'h100', 8) } },
        );
        agent.client.onLeaseLost(() => {
          if (!killed.has(name)) leasesLost++;
        });
        agent.client.onRegistered(() => {
          if (agent.client.registrations > 1) reregistrations++;
        });
        agents.set(name, agent);
        try {
          // Retries on its own until the control plane lets it in; rejects only on a refused token.
          await agent.start();
          break;
        } catch (err) {
          await agent.stop();
          // A token used up sooner than counted (a join whose answer was lost used it): a fresh one.
          tokens.refused(cell, token);
          if (attempt >= 5) throw new Error(`starting simulated node ${name}`, { cause: err });
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
