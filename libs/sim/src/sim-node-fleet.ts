import { createLogger, type Logger } from '@helios/config';
import { NodeAgent, resolveNodeAgentSettings, type NodeAgentSettings } from '@helios/node-agent';
import { status } from '@grpc/grpc-js';
import { NodeChannels, NodeClientError, RegistrationGate } from '@helios/node-client';
import type { PreemptionNotice } from '@helios/provider';
import type { ReplicaRuntime } from '@helios/replica-runtime';
import type { ResourceStore } from '@helios/store';
import { markNodePreempted } from './mark-preempted';
import type { SimInstanceEvent, SimProvider } from './sim-provider';
import { simulatedGpus } from './gpus';
import type { SimNodeTokens } from './sim-node-tokens';

/** The settings simulated nodes run with where their caller sets none: a real node agent's defaults. */
export function simulatedNodeSettings(): NodeAgentSettings {
  return resolveNodeAgentSettings();
}

/** How the simulated nodes reach the control plane: as real hosts do, through its node API. */
export interface SimNodeFleetDeps {
  /** Control-plane gRPC addresses; the nodes spread over them. */
  addresses: readonly string[];
  /** Bootstrap tokens per cell: one with a join left for each node that boots (SimNodeTokens). */
  tokens: Pick<SimNodeTokens, 'next' | 'refused'>;
  /**
   * Shared by every node of the fleet: one HTTP/2 connection per address, each node with its own
   * credential and streams. Default: the fleet's own, closed when it stops.
   */
  channels?: NodeChannels;
  /** Paces the fleet's registrations (a mass loss of leases must not come back as a storm); default: the fleet's own gate. */
  registrations?: RegistrationGate;
  /**
   * Where a preemption notice is recorded (the Node marked Draining). The node API carries no
   * preemption field a node may set yet, so the sim, which plays the cloud and runs in a
   * process of the cell, marks it from the cell's side; without a store, notices are ignored.
   */
  store?: ResourceStore;
  logger?: Logger;
}

/** How the simulated nodes of a sim cloud run. */
export interface SimNodeFleetOptions {
  /** Heartbeat lease TTL of every simulated node, in seconds; default 5. */
  nodeLeaseTtl?: number;
  /** Delay before retrying a node agent that failed to start (the control plane unreachable); default 1 s. */
  retryMs?: number;
  /**
   * Runs the replicas bound to the simulated nodes (e.g. a SimulatedRuntime). Without one the
   * nodes run none: they only heartbeat and report GPUs, open no assignment stream, and replicas
   * retired on them stay.
   */
  runtime?: ReplicaRuntime;
}

/**
 * Boots a NodeAgent in this process for every instance of a SimProvider that turns running and
 * stops it when the instance is terminated. The agents go through the control plane's node API
 * like real hosts (the path that is measured is the path that ships) and share its channels:
 * thousands of nodes, one connection per control-plane address.
 *
 * It also plays the cloud's side of preemption: when the sim announces one, the node is marked
 * Draining with its preemptionTime.
 */
export class SimNodeFleet {
  private readonly agents = new Map<string, NodeAgent>();
  private readonly log: Logger;
  private readonly channels: NodeChannels;
  private readonly registrations: RegistrationGate;
  private unsubscribe: (() => void)[] = [];
  /** Instances terminated: a boot still waiting for its token must not start their agent. */
  private readonly terminated = new Set<string>();
  private stopped = false;

  constructor(
    private readonly deps: SimNodeFleetDeps,
    private readonly provider: SimProvider,
    private readonly options: SimNodeFleetOptions = {},
  ) {
    this.log = deps.logger ?? createLogger('sim-node-fleet');
    this.channels = deps.channels ?? new NodeChannels();
    this.registrations = deps.registrations ?? new RegistrationGate();
  }

  /** Number of node agents running. */
  get size(): number {
    return this.agents.size;
  }

  /** The node agent of a sim instance, if it runs. */
  agent(instanceId: string): NodeAgent | undefined {
    return this.agents.get(instanceId);
  }

  /** Every node agent running now. */
  all(): NodeAgent[] {
    return [...this.agents.values()];
  }

  /** Starts following the sim cloud's instances. */
  start(): void {
    this.unsubscribe = [
      this.provider.onInstanceRunning((e) => this.boot(e)),
      this.provider.onInstanceTerminated((e) => this.shutdown(e.instance.id)),
      this.provider.onPreemptionNotice((notice) => this.onNotice(notice)),
    ];
  }

  /** Stops following the cloud and stops every node agent (their leases expire a TTL later). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe) off();
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.allSettled(agents.map((a) => a.stop()));
    if (!this.deps.channels) this.channels.close();
  }

  private async boot({ instance, template }: SimInstanceEvent): Promise<void> {
    const options = {
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
    const { addresses, logger } = this.deps;
    const { channels, registrations } = this;
    // A booting host whose agent cannot get in keeps trying, as a real agent under systemd
    // would, until the instance is terminated (shutdown() takes it out of the map).
    while (!this.stopped) {
      let agent: NodeAgent | undefined;
      let usedToken: string | undefined;
      try {
        const token = await this.deps.tokens.next(instance.cell);
        usedToken = token;
        if (this.stopped || this.terminated.has(instance.id)) return;
        agent = new NodeAgent({ controlPlane: { addresses, token, channels, registrations }, logger, runtime: this.options.runtime }, options);
        this.agents.set(instance.id, agent);
        await agent.start();
        return;
      } catch (err) {
        await agent?.stop();
        if (usedToken && err instanceof NodeClientError && err.code === status.UNAUTHENTICATED) this.deps.tokens.refused(instance.cell, usedToken);
        if (this.terminated.has(instance.id) || (agent && this.agents.get(instance.id) !== agent)) return;
        this.log.warn({ err, node: instance.node }, 'simulated node agent failed to start; retrying');
        await new Promise((resolve) => setTimeout(resolve, this.options.retryMs ?? 1_000));
        if (this.terminated.has(instance.id) || (agent && this.agents.get(instance.id) !== agent)) return;
      }
    }
  }

  private async onNotice(notice: PreemptionNotice): Promise<void> {
    const agent = this.agents.get(notice.instanceId);
    // An instance whose agent never started has no Node to drain.
    if (!agent?.cell || this.stopped || !this.deps.store) return;
    this.log.warn({ node: notice.node, deadline: notice.deadline.toISOString() }, 'preemption notice: draining the simulated node');
    await markNodePreempted(this.deps.store, agent.cell, notice.node, notice.deadline);
  }

  private async shutdown(instanceId: string): Promise<void> {
    this.terminated.add(instanceId);
    const agent = this.agents.get(instanceId);
    if (!agent) return;
    this.agents.delete(instanceId);
    await agent.stop();
  }
}
