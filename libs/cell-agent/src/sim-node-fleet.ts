import { createLogger, type Logger } from '@helios/config';
import { NodeAgent, type NodeAgentDeps } from '@helios/node-agent';
import type { SimInstanceEvent, SimProvider } from '@helios/provider';

/** How the simulated nodes of a sim cloud run. */
export interface SimNodeFleetOptions {
  /** Heartbeat lease TTL of every simulated node, in seconds; default 5. */
  nodeLeaseTtl?: number;
  /** Delay before retrying a node agent that failed to start (etcd unreachable); default 1 s. */
  retryMs?: number;
}

/**
 * Boots a NodeAgent in this process for every instance of a SimProvider that turns running and
 * stops it when the instance is terminated, so simulated nodes hold real etcd leases and die as
 * real ones do. All agents share the LeasePool in `deps`: thousands of nodes, a few streams.
 */
export class SimNodeFleet {
  private readonly agents = new Map<string, NodeAgent>();
  private readonly log: Logger;
  private unsubscribe: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly deps: NodeAgentDeps,
    private readonly provider: SimProvider,
    private readonly options: SimNodeFleetOptions = {},
  ) {
    this.log = deps.logger ?? createLogger('sim-node-fleet');
  }

  /** Number of node agents running. */
  get size(): number {
    return this.agents.size;
  }

  /** The node agent of a sim instance, if it runs. */
  agent(instanceId: string): NodeAgent | undefined {
    return this.agents.get(instanceId);
  }

  /** Starts following the sim cloud's instances. */
  start(): void {
    this.unsubscribe = [
      this.provider.onInstanceRunning((e) => this.boot(e)),
      this.provider.onInstanceTerminated((e) => this.shutdown(e.instance.id)),
    ];
  }

  /** Stops following the cloud and stops every node agent (revoking their leases). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe) off();
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.allSettled(agents.map((a) => a.stop()));
  }

  private async boot({ instance, template }: SimInstanceEvent): Promise<void> {
    const options = {
      cell: instance.cell,
      pool: instance.pool,
      nodeName: instance.node,
      tier: template.tier,
      gpuType: template.gpuType,
      gpus: template.gpusPerNode,
      providerId: instance.id,
      zone: instance.zone,
      leaseTtl: this.options.nodeLeaseTtl ?? 5,
      inventory: { source: 'simulated' as const },
    };
    // A booting host whose agent cannot reach etcd keeps trying, as a real agent under systemd
    // would, until the instance is terminated (shutdown() takes it out of the map).
    while (!this.stopped) {
      const agent = new NodeAgent(this.deps, options);
      this.agents.set(instance.id, agent);
      try {
        await agent.start();
        return;
      } catch (err) {
        if (this.agents.get(instance.id) !== agent) return;
        this.log.warn({ err, node: instance.node }, 'simulated node agent failed to start; retrying');
        await new Promise((resolve) => setTimeout(resolve, this.options.retryMs ?? 1_000));
        if (this.agents.get(instance.id) !== agent) return;
      }
    }
  }

  private async shutdown(instanceId: string): Promise<void> {
    const agent = this.agents.get(instanceId);
    if (!agent) return;
    this.agents.delete(instanceId);
    await agent.stop();
  }
}
