import { NodeFacts, NodeStatus, type Gpu, type Tier } from '@helios/api';
import { createLogger, type Logger } from '@helios/config';
import { NodeClient, type NodeClientOptions } from '@helios/node-client';
import type { ReplicaRuntime } from '@helios/replica-runtime';
import { readGpuInventory, type GpuInventory, type GpuInventoryOption } from './gpu-inventory';
import { resolveNodeAgentSettings, type NodeAgentSettings } from './node-agent-settings';
import { ReplicaSupervisor } from './replica-supervisor';

/** Labels every Node carries, so selectors need not decode specs. */
export const POOL_LABEL = 'helios.io/pool';

/**
 * What a node agent is: the host's name and pool and the GPUs it brings (its cell comes from its
 * bootstrap token); its settings' defaults are resolveNodeAgentSettings's.
 */
export interface NodeAgentOptions extends Partial<Omit<NodeAgentSettings, 'preemptionPollMs'>> {
  pool: string;
  nodeName: string;
  tier: Tier;
  gpuType: string;
  /** GPU count a fallback GPU source is asked for; nvidia-smi and a static inventory report their own. */
  gpus: number;
  /** Cloud instance id; defaults to the node name (a host not launched by a provider). */
  providerId?: string;
  zone?: string;
  /** Where the GPU list comes from. */
  inventory: GpuInventoryOption;
}

/** What a node agent talks to: the control plane's node API only (it holds no etcd connection). */
export interface NodeAgentDeps {
  /** Addresses, bootstrap token, state dir and the channels shared with other agents of the process. */
  controlPlane: Omit<NodeClientOptions, 'logger'>;
  logger?: Logger;
  /**
   * Runs the replicas bound to this node. Without one the agent runs none (a simulated node
   * that only heartbeats and reports GPUs) and opens no assignment stream.
   */
  runtime?: ReplicaRuntime;
}

let sharedLogger: Logger | undefined;

/**
 * Runs one node's side of failure detection and of running replicas, through the node API
 * (docs/architecture.md, the node API): joins the control plane, keeps the lease it was granted
 * alive, and (with a runtime) runs the replicas bound to it.
 *
 * Light enough to run thousands per process (simulated nodes, sharing channels), and the core
 * of apps/node-agent on a real host. When etcd says the lease is gone the client registers
 * again with a new lease; the replicas that the control plane moved away meanwhile arrive as
 * deleted in the re-synced assignments, and the supervisor stops them.
 */
export class NodeAgent {
  readonly client: NodeClient;
  private readonly log: Logger;
  private readonly settings: NodeAgentSettings;
  private inventory: GpuInventory | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private stopped = false;
  private supervisor: ReplicaSupervisor | undefined;

  constructor(
    private readonly deps: NodeAgentDeps,
    readonly options: NodeAgentOptions,
  ) {
    this.settings = resolveNodeAgentSettings(options);
    this.log = (deps.logger ?? (sharedLogger ??= createLogger('node-agent'))).child({ node: options.nodeName });
    this.client = new NodeClient({ ...deps.controlPlane, logger: this.log });
  }

  /** The node's name in its cell. */
  get name(): string {
    return this.options.nodeName;
  }

  /** The node's cell, once joined. */
  get cell(): string | undefined {
    return this.client.identity?.cell;
  }

  /** The id of the lease the node holds now, undefined while unregistered. */
  get leaseId(): string | undefined {
    return this.client.leaseId;
  }

  /** The GPUs this node reports, once started. */
  get gpus(): Gpu[] {
    return this.inventory?.gpus ?? [];
  }

  /** Replicas this agent runs or is stopping now (0 without a runtime). */
  get replicas(): number {
    return this.supervisor?.size ?? 0;
  }

  /**
   * Reads the GPU inventory and registers the node (Join, or Register with a stored
   * credential), then (with a runtime) starts running the replicas bound to it. Resolves once
   * registered; rejects when the control plane refuses the node for good (a bad token).
   */
  start(): Promise<void> {
    this.starting ??= this.startOnce();
    return this.starting;
  }

  /**
   * Stops the replicas it runs (SIGTERM, a short grace, SIGKILL: child processes must not
   * outlive their supervisor, which could not stop them later, and a simulated node that is
   * terminated takes its replicas with it), then its calls to the control plane. The lease
   * expires a TTL later and the Node turns NotReady then: an agent stopping is not the host
   * going away (it may be an agent upgrade), and the cell agent, which knows when the instance
   * is really gone, removes the Node.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  /**
   * Tells the control plane that the cloud will reclaim this node at `deadline`: the Node is
   * then marked Draining (reason Preempted) and its replicas are replaced elsewhere.
   */
  async reportPreemption(deadline: Date): Promise<void> {
    this.client.reportNode(this.nodeStatus({ preemptionTime: deadline.toISOString() }));
    await this.client.flushStatus();
  }

  private async startOnce(): Promise<void> {
    const o = this.options;
    this.inventory = await readGpuInventory(o.inventory, o);
    this.log.debug({ source: this.inventory.source, gpus: this.inventory.gpus.length }, 'gpu inventory read');
    const registration = await this.client.start(
      NodeFacts.fromPartial({
        name: o.nodeName,
        pool: o.pool,
        tier: o.tier,
        gpuType: o.gpuType,
        gpus: this.gpus,
        providerId: o.providerId ?? o.nodeName,
        zone: o.zone ?? '',
        address: this.settings.address,
        leaseTtlSeconds: this.settings.leaseTtl,
      }),
    );
    this.log.info({ cell: this.cell, lease: registration.leaseId, ttl: registration.leaseTtlSeconds, gpus: this.gpus.length }, 'node registered');
    if (this.deps.runtime && !this.stopped) this.superviseReplicas(this.deps.runtime);
  }

  private superviseReplicas(runtime: ReplicaRuntime): void {
    const identity = this.client.identity!;
    this.supervisor = new ReplicaSupervisor({ node: this.client, runtime, logger: this.log }, { ...this.settings, cell: identity.cell, node: identity.node });
    this.supervisor.start();
  }

  private async stopOnce(): Promise<void> {
    this.stopped = true;
    await this.supervisor?.stop().catch((err: unknown) => this.log.error({ err }, 'stopping the replicas failed'));
    await this.client.stop();
    await this.starting?.catch(() => undefined);
    this.log.info({ lease: this.client.leaseId }, 'node agent stopped; its lease expires on its own');
  }

  /** The status fields the node owns (the control plane sets phase, reason and lease). */
  private nodeStatus(extra: Partial<NodeStatus> = {}): NodeStatus {
    const gpus = this.gpus;
    return NodeStatus.fromPartial({ gpus, allocatableGpus: gpus.filter((g) => g.healthy).length, address: this.settings.address, ...extra });
  }
}
