import { join } from 'node:path';
import { Deployment, wrap, type Replica } from '@helios/api';
import { freePort } from '@helios/etcd-process';
import { Teardown, launchComponent, waitFor } from '@helios/launcher';
import type { OperatorApi } from '@helios/operator-client';
import { inEndpointSet } from '@helios/replica-lifecycle';
import { NodeHosts, SimCloudServer, SimProvider } from '@helios/sim';
import { Informer, type Etcd3, type Keys } from '@helios/store';
import { modelServerTemplate } from './model-server-template';
import { applySimCell } from './sim-cell';
import type { ServingSample } from './service-restoration';

export const SERVED_CELL = 'served';
const POOL = 'served-h100';
const DEPLOYMENT = 'failover';

/** How the served cell is laid out. */
export interface ServedCellOptions {
  /** etcd of the cell agent (a control-plane component); the hosts reach only `controlPlane`. */
  etcd: string;
  root: string;
  /** Control-plane gRPC addresses the hosts join, host:port[,host:port]. */
  controlPlane: string;
  logDir: string;
  ttl: number;
  /** Nodes, each a node-agent process on a sim cloud host. */
  nodes: number;
  gpusPerNode: number;
  /** Replicas of the deployment, one GPU each. */
  replicas: number;
}

/**
 * The part of the failover benchmark that runs real work: one cell on the sim cloud whose
 * instances are node-agent processes (NodeHosts), its cell agent (a process), and a deployment
 * of model-server processes on it, applied through the operator API. Killing a host SIGKILLs its
 * agent and replicas together; the informer below records, at every replica event, how many
 * replicas serve on hosts still alive, so the benchmark can time the deployment's recovery.
 */
export class ServedCell {
  /** Ready replicas on live hosts over time, one sample per change. */
  readonly serving: ServingSample[] = [];
  private readonly replicas: Informer<'replica'>;
  private readonly dead = new Set<string>();
  private hosts: NodeHosts | undefined;

  constructor(
    client: Etcd3,
    keys: Keys,
    private readonly api: OperatorApi,
    private readonly options: ServedCellOptions,
  ) {
    this.replicas = new Informer(client, keys, 'replica', { parent: DEPLOYMENT, onError: () => undefined });
    this.replicas.on(() => this.sample());
  }

  get deployment(): string {
    return DEPLOYMENT;
  }

  /** Starts the cloud, the cell agent and the deployment; resolves once every replica serves. */
  async start(teardown: Teardown, say: (line: string) => void): Promise<void> {
    const o = this.options;
    const sim = new SimProvider({ launchLatencyMs: 200 });
    teardown.add('closing the sim cloud', () => sim.close());
    await applySimCell(this.api, { cell: SERVED_CELL, pool: POOL, nodes: o.nodes, gpusPerNode: o.gpusPerNode });
    const { token } = await this.api.createBootstrapToken({ cell: SERVED_CELL, pool: '', uses: 1_000, ttlSeconds: 24 * 3_600, description: 'served cell hosts' });
    this.hosts = new NodeHosts(sim, { nodeAgent: { entry: 'apps/node-agent/src/main.ts' }, controlPlane: o.controlPlane, token: () => token, logDir: o.logDir, leaseTtl: o.ttl, drainSeconds: 1 });
    const hosts = this.hosts;
    hosts.start();
    teardown.add('stopping the served node agents', () => hosts.stop());
    const server = await SimCloudServer.start(sim);
    teardown.add('stopping the sim cloud server', () => server.stop());
    await this.replicas.start();
    teardown.add('stopping the replica watch', () => this.replicas.stop());

    const agent = launchComponent({
      name: `cell-agent/${SERVED_CELL}`,
      entry: 'apps/cell-agent/src/main.ts',
      args: ['--etcd', o.etcd, '--root', o.root, '--cell', SERVED_CELL, '--sim-url', server.url, '--node-lease-ttl', String(o.ttl), '--metrics-addr', `127.0.0.1:${await freePort()}`],
      env: { HELIOS_LOG_FORMAT: 'json' },
      logFile: join(o.logDir, `cell-agent-${SERVED_CELL}.log`),
    });
    teardown.add('stopping the served cell agent', () => agent.stop('SIGTERM', 15_000));
    await waitFor(`${o.nodes} served hosts`, () => hosts.nodes.length >= o.nodes, 120_000, 250);

    await this.api.apply({
      resource: wrap(
        'deployment',
        Deployment.fromPartial({
          metadata: { name: DEPLOYMENT },
          spec: {
            replicas: o.replicas,
            template: modelServerTemplate({ version: 'v1', latencyMs: 0, gpus: 1 }),
            strategy: { maxSurge: '25%', maxUnavailable: '0', minReadySeconds: 0, progressDeadlineSeconds: 120, drainSeconds: 1, terminationGraceSeconds: 5 },
            placement: { cells: [SERVED_CELL] },
          },
        }),
      ),
      dryRun: false,
    });
    await waitFor(`${o.replicas} replicas of ${DEPLOYMENT} serving`, () => this.servingNow() >= o.replicas, 180_000, 250);
    say(`served cell: ${o.nodes} node-agent processes (${o.gpusPerNode} GPUs each) run ${o.replicas} model-server replicas of deployment ${DEPLOYMENT}`);
  }

  /** `count` hosts to kill: those serving the most replicas first. */
  victims(count: number): string[] {
    const byNode = new Map<string, number>((this.hosts?.nodes ?? []).map((n) => [n, 0]));
    for (const r of this.live()) if (r.spec?.node && byNode.has(r.spec.node)) byNode.set(r.spec.node, byNode.get(r.spec.node)! + 1);
    return [...byNode.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([node]) => node);
  }

  /** Replicas serving on `node` now. */
  servingOn(node: string): number {
    return this.live().filter((r) => r.spec?.node === node).length;
  }

  /** SIGKILLs a host: its agent and its replicas. Its replicas stop counting as serving at once. */
  kill(node: string): void {
    this.dead.add(node);
    this.hosts?.kill(node);
    this.sample();
  }

  /** Ready replicas of the deployment on hosts not killed. */
  servingNow(): number {
    return this.live().length;
  }

  /** Every replica of the deployment in the watch's cache, whatever its phase or host. */
  all(): Replica[] {
    return this.replicas.list();
  }

  private live(): Replica[] {
    return this.replicas.list().filter((r) => inEndpointSet(r) && !this.dead.has(r.spec?.node ?? ''));
  }

  private sample(): void {
    const serving = this.servingNow();
    if (this.serving.at(-1)?.serving !== serving) this.serving.push({ at: Date.now(), serving });
  }
}
