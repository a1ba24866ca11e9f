import { createLogger, type Logger } from '@helios/config';
import { markNodePreempted, NodeAgent, ReplicaBindings, resolveNodeAgentSettings, type NodeAgentDeps, type NodeAgentSettings } from '@helios/node-agent';
import type { PreemptionNotice } from '@helios/provider';
import type { ReplicaRuntime } from '@helios/replica-runtime';
import { ResourceStore } from '@helios/store';
import type { SimInstanceEvent, SimProvider } from './sim-provider';
import { simulatedGpus } from './gpus';


/** The settings simulated nodes run with where their caller sets none: a real node agent's defaults. */
export function simulatedNodeSettings(): NodeAgentSettings {
  return resolveNodeAgentSettings();
}

/** How the simulated nodes of a sim cloud run. */
export interface SimNodeFleetOptions {
  /** Heartbeat lease TTL of every simulated node, in seconds; default 5. */
  nodeLeaseTtl?: number;
  /** Delay before retrying a node agent that failed to start (etcd unreachable); default 1 s. */
  retryMs?: number;
  /**
   * Runs the replicas bound to the simulated nodes (e.g. a SimulatedRuntime). Without one the
   * nodes run none: they only heartbeat and report GPUs, and replicas retired on them stay.
   */
  runtime?: ReplicaRuntime;
}

/**
 * Boots a NodeAgent in this process for every instance of a SimProvider that turns running and
 * stops it when the instance is terminated, so simulated nodes hold real etcd leases and die as
 * real ones do. All agents share the LeasePool in `deps`: thousands of nodes, a few streams.
 *
 * It also plays the node side of preemption: when the sim announces one, the node is marked
 * Draining with its preemptionTime, as a real node agent's PreemptionWatcher does after reading
 * the cloud's metadata service.
 */
export class SimNodeFleet {
  private readonly agents = new Map<string, NodeAgent>();
  private readonly log: Logger;
  private readonly store: ResourceStore;
  /** One replica watch shared by every agent of the fleet. */
  private readonly bindings: ReplicaBindings | undefined;
  private unsubscribe: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly deps: NodeAgentDeps,
    private readonly provider: SimProvider,
    private readonly options: SimNodeFleetOptions = {},
  ) {
    this.log = deps.logger ?? createLogger('sim-node-fleet');
    this.store = deps.store ?? new ResourceStore(deps.client, deps.keys);
    this.bindings = options.runtime ? new ReplicaBindings(deps.client, deps.keys, { logger: this.log }) : undefined;
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
      this.provider.onPreemptionNotice((notice) => this.onNotice(notice)),
    ];
  }

  /** Stops following the cloud and stops every node agent (revoking their leases). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe) off();
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.allSettled(agents.map((a) => a.stop()));
    await this.bindings?.stop();
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
      inventory: { source: 'static' as const, gpus: simulatedGpus(instance.node, template.gpuType, template.gpusPerNode) },
    };
    // A booting host whose agent cannot reach etcd keeps trying, as a real agent under systemd
    // would, until the instance is terminated (shutdown() takes it out of the map).
    while (!this.stopped) {
      const agent = new NodeAgent({ ...this.deps, runtime: this.options.runtime, bindings: this.bindings }, options);
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

  private async onNotice(notice: PreemptionNotice): Promise<void> {
    const agent = this.agents.get(notice.instanceId);
    // An instance whose agent never started has no Node to drain.
    if (!agent || this.stopped) return;
    this.log.warn({ node: notice.node, deadline: notice.deadline.toISOString() }, 'preemption notice: draining the simulated node');
    await markNodePreempted(this.store, agent.options.cell, notice.node, notice.deadline);
  }

  private async shutdown(instanceId: string): Promise<void> {
    const agent = this.agents.get(instanceId);
    if (!agent) return;
    this.agents.delete(instanceId);
    await agent.stop();
  }
}
