/**
 * `npm start`: the local fleet in the foreground. A real etcd (data under .helios/), the control
 * plane, one cell agent per Cell in infra/local/fleet.yaml (simulated cloud), the manifest
 * applied, and a note of what to try. Ctrl-C stops everything it started.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Kind, ListRequest, NodePhase, type ListResponse } from '@helios/api';
import { findEtcdBinary, freePort, startEtcd } from '@helios/etcd-process';
import { REPO_ROOT, launchComponent, runComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { connectOperator, type OperatorApi } from '@helios/operator-client';
import { NodeHosts, SimCloudServer, SimProvider } from '@helios/sim';
import { summarizeDeployment, summarizeFleet } from './fleet-file';

const SETTINGS = {
  fleet: { flag: 'fleet', env: 'HELIOS_FLEET', default: 'infra/local/fleet.yaml', doc: 'manifest applied at start' },
  stateDir: { flag: 'state-dir', env: 'HELIOS_STATE_DIR', default: '.helios', doc: 'etcd data and component logs' },
  keepState: { flag: 'keep-state', env: 'HELIOS_KEEP_STATE', default: false, doc: 'reuse etcd data from the last run instead of starting fresh' },
  etcdPort: { flag: 'etcd-port', env: 'HELIOS_ETCD_PORT', default: 2379, doc: 'etcd client port (a free one if taken)' },
  grpcAddr: { flag: 'grpc-addr', env: 'HELIOS_GRPC_ADDR', default: '127.0.0.1:50051', doc: 'control-plane gRPC address' },
  metricsAddr: { flag: 'metrics-addr', env: 'HELIOS_METRICS_ADDR', default: '127.0.0.1:9464', doc: 'control-plane /metrics address' },
  deployment: { flag: 'deployment', env: 'HELIOS_FLEET_DEPLOYMENT', default: 'infra/local/deployment.yaml', doc: 'sample deployment applied once nodes are Ready (empty: none)' },
  routerAddr: { flag: 'router-addr', env: 'HELIOS_ROUTER_LISTEN', default: '127.0.0.1:8080', doc: 'address of the router in front of the sample deployment' },
  cellMetricsPort: { flag: 'cell-metrics-port', env: 'HELIOS_CELL_METRICS_PORT', default: 9465, doc: "first cell agent's /metrics port (one port per cell, counting up)" },
  nodeLeaseTtl: { flag: 'node-lease-ttl', env: 'HELIOS_NODE_LEASE_TTL', default: 5, doc: 'seconds a node may be silent before it is dead' },
};

const say = (line: string): void => console.log(`helios: ${line}`);

async function portFree(addr: string): Promise<boolean> {
  const [host, port] = [addr.slice(0, addr.lastIndexOf(':')), Number(addr.slice(addr.lastIndexOf(':') + 1))];
  return new Promise((r) => {
    const s = createServer();
    s.once('error', () => r(false));
    s.listen(port, host, () => s.close(() => r(true)));
  });
}

/** Finds etcd, installing Debian's package when running as root with apt-get, else says how. */
function ensureEtcd(): void {
  try {
    findEtcdBinary();
    return;
  } catch (err) {
    const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
    if (!canInstall) throw err;
  }
  say('etcd is not installed; installing Debian package etcd-server with apt-get ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'etcd-server'], { stdio: 'inherit', env });
  findEtcdBinary();
}

function listNodes(client: OperatorApi): Promise<ListResponse> {
  return client.list(ListRequest.fromPartial({ kind: Kind.KIND_NODE }));
}

runComponent({
  name: 'local-fleet',
  summary: 'The local Helios fleet in the foreground: etcd, the control plane, a cell agent per cell of the fleet file (simulated cloud, nodes as real node-agent processes) and a sample deployment behind the router. Ctrl-C stops everything it started.',
  usage: 'npm start -- [--flag value ...]',
  settings: SETTINGS,
  async start(config, fleetRun) {
    const { onStop } = fleetRun;
    const stateDir = resolve(REPO_ROOT, config.stateDir);
    const logs = join(stateDir, 'logs');
    const fleetPath = resolve(REPO_ROOT, config.fleet);
    const fleet = summarizeFleet(fleetPath);

    ensureEtcd();
    const cellMetricsAddrs = fleet.cells.map((_, i) => `127.0.0.1:${config.cellMetricsPort + i}`);
    for (const addr of [config.grpcAddr, config.metricsAddr, ...cellMetricsAddrs, ...(config.deployment ? [config.routerAddr] : [])]) {
      if (!(await portFree(addr))) throw new Error(`${addr} is in use: is another Helios fleet running? Stop it or pass --grpc-addr/--metrics-addr`);
    }

    // Stop steps run last-registered first: the router and cell agents, then the node agents (they
    // stop their replicas; their leases expire), then the control plane, then etcd.
    onStop('the last word', () => say('stopped; nothing left running'));
    const etcdDir = join(stateDir, 'etcd');
    if (!config.keepState) rmSync(etcdDir, { recursive: true, force: true });
    mkdirSync(logs, { recursive: true });
    const etcdPort = (await portFree(`127.0.0.1:${config.etcdPort}`)) ? config.etcdPort : await freePort();
    const etcd = await startEtcd({ dataDir: etcdDir, clientPort: etcdPort, logFile: join(logs, 'etcd.log') });
    onStop('etcd', () => etcd.stop());
    say(`etcd          ${etcd.endpoint} (data ${etcdDir})`);

    const common = ['--etcd', etcd.endpoint];
    const env = { HELIOS_LOG_FORMAT: 'json' };
    const supervise = (proc: ComponentProcess): ComponentProcess => {
      onStop(proc.name, () => proc.stop('SIGTERM', 10_000));
      void proc.exited.then((code) => {
        if (!fleetRun.stopping) {
          say(`${proc.name} exited unexpectedly (${code}); see ${join(logs, proc.name.replace('/', '-') + '.log')}`);
          fleetRun.stop(1, `${proc.name} exited unexpectedly`);
        }
      });
      return proc;
    };
    supervise(
      launchComponent({
        name: 'control-plane',
        entry: 'apps/control-plane/src/main.ts',
        // A short scale-down cooldown, so a deleted deployment's pools shrink while you watch.
        args: [...common, '--grpc-addr', config.grpcAddr, '--metrics-addr', config.metricsAddr, '--scale-down-cooldown-seconds', '60'],
        env,
        logFile: join(logs, 'control-plane.log'),
      }),
    );
    // A 3 s deadline per call, so a control plane that hangs is retried by waitFor instead of stalling it.
    const client = connectOperator(config.grpcAddr, { timeoutMs: 3_000 });
    await waitFor('the control plane to answer', () => listNodes(client).then(() => true), 60_000, 250);
    say(`control plane ${config.grpcAddr} (gRPC), http://${config.metricsAddr}/metrics`);

    execFileSync(process.execPath, [join(REPO_ROOT, 'apps/cli/bin/helios.js'), '--server', config.grpcAddr, 'apply', '-f', fleetPath], { stdio: 'inherit' });

    // One bootstrap token per cell, as an operator would make with `helios token create`: the
    // hosts join the control plane with it (the node API) and never see etcd.
    const tokens = new Map<string, string>();
    for (const cell of fleet.cells) {
      const created = await client.createBootstrapToken({ cell, pool: '', uses: 1_000, ttlSeconds: 7 * 24 * 3_600, description: 'local fleet hosts' });
      tokens.set(cell, created.token);
    }
    say(`tokens        one bootstrap token per cell (${fleet.cells.join(', ')}) for its hosts`);

    // The simulated cloud lives in this process and boots every instance as a real node-agent
    // process, so a node can be killed like a host (kill -9 its node-agent) and outlives a
    // restarted cell agent, as a cloud would.
    const sim = new SimProvider({ launchLatencyMs: 200 });
    onStop('the simulated cloud', () => sim.close());
    const tokenOf = (cell: string): string => {
      const token = tokens.get(cell);
      if (!token) throw new Error(`no bootstrap token for cell ${cell} (not in ${config.fleet})`);
      return token;
    };
    const hosts = new NodeHosts(sim, { nodeAgent: { entry: 'apps/node-agent/src/main.ts' }, controlPlane: config.grpcAddr, token: tokenOf, logDir: logs, leaseTtl: config.nodeLeaseTtl, drainSeconds: 2 });
    hosts.start();
    onStop('simulated hosts', () => hosts.stop());
    const simServer = await SimCloudServer.start(sim);
    onStop('the simulated cloud server', () => simServer.stop());

    for (const [i, cell] of fleet.cells.entries()) {
      supervise(
        launchComponent({
          name: `cell-agent/${cell}`,
          entry: 'apps/cell-agent/src/main.ts',
          // Simulated nodes run replicas as real processes (the model server), on this host.
          args: [...common, '--cell', cell, '--provider', 'sim', '--sim-url', simServer.url, '--node-lease-ttl', String(config.nodeLeaseTtl), '--metrics-addr', cellMetricsAddrs[i]!],
          env,
          logFile: join(logs, `cell-agent-${cell}.log`),
        }),
      );
    }
    say(`cell agents   ${fleet.cells.join(', ')} (simulated cloud at ${simServer.url}; /metrics on ${cellMetricsAddrs.join(', ')})`);

    const ready = await waitFor(
      `${fleet.minNodes} Ready nodes`,
      async () => {
        const nodes = (await listNodes(client)).items.flatMap((r) => (r.kind?.$case === 'node' ? [r.kind.node] : []));
        const readyNodes = nodes.filter((n) => n.status?.phase === NodePhase.NODE_PHASE_READY);
        return readyNodes.length >= fleet.minNodes ? readyNodes.length : undefined;
      },
      120_000,
      500,
    );
    say(`fleet ready: ${ready} simulated GPU nodes in ${fleet.cells.length} cells; logs in ${logs}`);
    client.close();

    if (config.deployment) {
      const deploymentPath = resolve(REPO_ROOT, config.deployment);
      execFileSync(process.execPath, [join(REPO_ROOT, 'apps/cli/bin/helios.js'), '--server', config.grpcAddr, 'apply', '-f', deploymentPath], { stdio: 'inherit' });
      const name = summarizeDeployment(deploymentPath);
      supervise(
        launchComponent({
          name: 'router',
          entry: 'apps/router/src/main.ts',
          args: ['--listen', config.routerAddr, '--server', config.grpcAddr, '--deployment', name, '--retries', '2'],
          env,
          logFile: join(logs, 'router.log'),
        }),
      );
      await waitFor(`deployment ${name} to serve through the router`, async () => (await fetch(`http://${config.routerAddr}/v1/infer`)).ok, 120_000, 500);
      say(`deployment    ${name} serving through the router at http://${config.routerAddr}/v1/infer`);
    }
    console.log(`
Try next (in another terminal):
  npx helios get cells
  npx helios get pools
  npx helios get nodes -w                  # watch; Ctrl-C to stop
  pkill -9 -f -- '--pool use1-h100-reserved'  # kill nodes: NotReady within the TTL, replicas move
  npx helios describe pool use1-h100-spot
  npx helios get replicas -l deployment=chat
  curl -s ${config.routerAddr}/v1/infer
  sed 's/--version, v1/--version, v2/' infra/local/deployment.yaml | npx helios apply -f -
  npx helios rollout status deployment/chat
  curl -s ${config.metricsAddr}/metrics | grep helios_
Press Ctrl-C here to stop the fleet.`);
  },
});
