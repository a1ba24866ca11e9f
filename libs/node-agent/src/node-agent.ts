import { Node, NodePhase, type Gpu, type Tier } from '@helios/api';
import { createLogger, type Logger } from '@helios/config';
import type { ReplicaRuntime } from '@helios/replica-runtime';
import { isAlreadyExists, isNotFound, ResourceStore, type Keys, type Lease, type LeasePool } from '@helios/store';
import type { Etcd3 } from 'etcd3';
import { randomUUID } from 'node:crypto';
import { readGpuInventory, type GpuInventory, type GpuInventoryOption } from './gpu-inventory';
import { resolveNodeAgentSettings, type NodeAgentSettings } from './node-agent-settings';
import { ReplicaBindings } from './replica-bindings';
import { ReplicaSupervisor } from './replica-supervisor';

/** Labels every Node carries, so selectors need not decode specs. */
export const POOL_LABEL = 'helios.io/pool';

/** What a node agent is: the host's identity in its cell and the GPUs it brings; its settings' defaults are resolveNodeAgentSettings's. */
export interface NodeAgentOptions extends Partial<Omit<NodeAgentSettings, 'preemptionPollMs'>> {
  cell: string;
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

/** What a node agent talks to; one client, store and lease pool serve thousands of agents. */
export interface NodeAgentDeps {
  client: Etcd3;
  keys: Keys;
  leases: LeasePool;
  /** Built from client and keys when omitted. */
  store?: ResourceStore;
  logger?: Logger;
  /**
   * Runs the replicas bound to this node. Without one the agent runs none (a simulated node
   * that only heartbeats and reports GPUs).
   */
  runtime?: ReplicaRuntime;
  /**
   * The replica index shared by the agents of this process (one watch for all). When omitted
   * and a runtime is given, the agent builds its own, and stops it when it stops.
   */
  bindings?: ReplicaBindings;
}

// Re-registration back-off after a lost lease: 250 ms doubling to 5 s, so a restarted etcd is
// picked up within a TTL while a dead one is not hammered by thousands of agents at once.
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

let sharedLogger: Logger | undefined;

/**
 * Runs one node's side of failure detection: holds an etcd lease with the node's heartbeat key
 * on it and keeps the node's Node object registered as Ready with its GPUs.
 *
 * Light enough to run thousands per process (simulated nodes) over one shared LeasePool, and
 * the core of apps/node-agent on a real host. When the lease is lost (etcd expired it, e.g.
 * after a partition) the agent re-registers with a new lease: the old heartbeat is gone for
 * good, so whoever reacted to its loss sees a new one rather than a resurrected old one.
 */
export class NodeAgent {
  private readonly store: ResourceStore;
  private readonly log: Logger;
  private readonly settings: NodeAgentSettings;
  private inventory: GpuInventory | undefined;
  private lease: Lease | undefined;
  private starting: Promise<void> | undefined;
  private recovering: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private stopped = false;
  private retryTimer: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  private supervisor: ReplicaSupervisor | undefined;
  private ownBindings: ReplicaBindings | undefined;

  constructor(
    private readonly deps: NodeAgentDeps,
    readonly options: NodeAgentOptions,
  ) {
    this.store = deps.store ?? new ResourceStore(deps.client, deps.keys);
    this.settings = resolveNodeAgentSettings(options);
    this.log = (deps.logger ?? (sharedLogger ??= createLogger('node-agent'))).child({ cell: options.cell, node: options.nodeName });
  }

  /** The node's name in its cell. */
  get name(): string {
    return this.options.nodeName;
  }

  /** The id of the lease the heartbeat is on now, undefined while unregistered. */
  get leaseId(): string | undefined {
    return this.lease?.id;
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
   * Reads the GPU inventory, grants a lease, puts the heartbeat on it and registers the Node as
   * Ready, then (with a runtime) starts running the replicas bound to it. Resolves once
   * registered; rejects (and holds no lease) when any step fails.
   */
  start(): Promise<void> {
    this.starting ??= this.startOnce();
    return this.starting;
  }

  /**
   * Stops the replicas it runs (SIGTERM, a short grace, SIGKILL: child processes must not
   * outlive their supervisor, which could not stop them later, and a simulated node that is
   * terminated takes its replicas with it), then revokes the lease, so the heartbeat vanishes
   * at once instead of a TTL later. The Node object is left as it is: an agent stopping is not the host going away (it may be an agent upgrade),
   * the lifecycle controller turns a vanished heartbeat into NotReady, and the cell agent, which
   * knows when the instance is really gone, removes the Node.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async startOnce(): Promise<void> {
    this.inventory = await readGpuInventory(this.options.inventory, this.options);
    this.log.debug({ source: this.inventory.source, gpus: this.inventory.gpus.length }, 'gpu inventory read');
    await this.register();
    this.log.info({ lease: this.lease?.id, gpus: this.gpus.length }, 'node registered');
    if (this.deps.runtime && !this.stopped) await this.superviseReplicas(this.deps.runtime);
  }

  private async superviseReplicas(runtime: ReplicaRuntime): Promise<void> {
    const o = this.options;
    let bindings = this.deps.bindings;
    if (!bindings) bindings = this.ownBindings = new ReplicaBindings(this.deps.client, this.deps.keys, { logger: this.log });
    const supervisor = new ReplicaSupervisor(
      { store: this.store, bindings, runtime, logger: this.log },
      { ...this.settings, cell: o.cell, node: o.nodeName },
    );
    this.supervisor = supervisor;
    try {
      await supervisor.start();
    } catch (err) {
      // Leave nothing behind: no supervisor, no watch, no lease (start() promises as much).
      this.supervisor = undefined;
      await supervisor.stop().catch(() => undefined);
      await this.ownBindings?.stop().catch(() => undefined);
      this.ownBindings = undefined;
      const lease = this.lease;
      this.lease = undefined;
      if (lease) await revokeQuietly(lease);
      throw new Error(`following the replicas bound to node ${o.nodeName}`, { cause: err });
    }
  }

  private async stopOnce(): Promise<void> {
    this.stopped = true;
    this.retryTimer?.wake();
    await this.starting?.catch(() => undefined);
    await this.recovering?.catch(() => undefined);
    await this.supervisor?.stop().catch((err: unknown) => this.log.error({ err }, 'stopping the replicas failed'));
    await this.ownBindings?.stop().catch(() => undefined);
    const lease = this.lease;
    this.lease = undefined;
    if (!lease) return;
    try {
      await lease.revoke();
      this.log.info({ lease: lease.id }, 'node agent stopped; lease revoked');
    } catch (err) {
      // etcd unreachable: stop renewing and let the lease expire on its own within a TTL.
      lease.release();
      this.log.warn({ err, lease: lease.id }, 'could not revoke the lease; it will expire');
    }
  }

  /** One registration: lease, heartbeat, Node. Leaves no lease behind when it fails. */
  private async register(): Promise<void> {
    const lease = await this.deps.leases.grant(this.settings.leaseTtl);
    if (this.stopped) {
      await revokeQuietly(lease);
      return;
    }
    try {
      await this.putHeartbeat(lease);
      await this.upsertNode(lease);
    } catch (err) {
      await revokeQuietly(lease);
      throw new Error(`registering node ${this.options.nodeName} in cell ${this.options.cell}`, { cause: err });
    }
    if (this.stopped) {
      await revokeQuietly(lease);
      return;
    }
    this.lease = lease;
    lease.onLost(() => this.onLeaseLost(lease));
  }

  private onLeaseLost(lost: Lease): void {
    if (this.stopped || this.lease !== lost) return;
    this.lease = undefined;
    this.log.warn({ lease: lost.id }, 'lease lost; re-registering with a new lease');
    this.recovering = this.reregister();
  }

  private async reregister(): Promise<void> {
    let delay = RETRY_MIN_MS;
    while (!this.stopped) {
      try {
        await this.register();
        if (!this.stopped) this.log.info({ lease: this.lease?.id }, 're-registered');
        return;
      } catch (err) {
        this.log.warn({ err, retryInMs: delay }, 're-registration failed');
        await this.sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.retryTimer = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.retryTimer = { timer, wake };
    });
  }

  private async putHeartbeat(lease: Lease): Promise<void> {
    // The store has no raw-key write; this one put is the node agent's only direct etcd write.
    await this.deps.client.put(this.deps.keys.heartbeat(this.options.cell, this.options.nodeName)).value(this.options.nodeName).lease(lease.id).exec();
  }

  /** Creates the Node, or brings an existing one up to date; retried when it appears or vanishes underneath. */
  private async upsertNode(lease: Lease): Promise<void> {
    const { cell, nodeName } = this.options;
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await this.store.get('node', nodeName, cell);
      try {
        if (!existing) {
          await this.store.create('node', this.desiredNode(undefined, lease));
        } else {
          await this.store.mutate('node', nodeName, cell, (current) => this.desiredNode(current, lease));
        }
        return;
      } catch (err) {
        if (!isAlreadyExists(err) && !isNotFound(err)) throw err;
      }
    }
    throw new Error(`node ${nodeName} kept being created and deleted concurrently`);
  }

  /** The Node as this agent registers it, keeping what others own (cordon, conditions, Draining). */
  private desiredNode(current: Node | undefined, lease: Lease): Node {
    const o = this.options;
    const gpus = this.gpus;
    const now = new Date().toISOString();
    const meta = current?.metadata;
    // Draining was decided by the cell agent (preemption, scale-down): a re-registering agent
    // must not undo it. Any other phase is the agent's to set back to Ready.
    const phase = current?.status?.phase === NodePhase.NODE_PHASE_DRAINING ? NodePhase.NODE_PHASE_DRAINING : NodePhase.NODE_PHASE_READY;
    return Node.fromPartial({
      metadata: {
        name: o.nodeName,
        uid: meta?.uid || randomUUID(),
        generation: meta?.generation || 1,
        resourceVersion: meta?.resourceVersion ?? 0,
        createdAt: meta?.createdAt ?? now,
        labels: { ...meta?.labels, [POOL_LABEL]: o.pool },
        annotations: { ...meta?.annotations },
      },
      spec: {
        ...current?.spec,
        cell: o.cell,
        pool: o.pool,
        tier: o.tier,
        providerId: o.providerId ?? o.nodeName,
        gpuType: o.gpuType,
        gpus: gpus.length,
        zone: o.zone ?? '',
      },
      status: {
        ...current?.status,
        phase,
        gpus,
        allocatableGpus: gpus.filter((g) => g.healthy).length,
        address: this.settings.address,
        reason: phase === NodePhase.NODE_PHASE_READY ? '' : (current?.status?.reason ?? ''),
        lastTransitionTime: current?.status?.phase === phase ? (current.status.lastTransitionTime ?? now) : now,
        leaseId: lease.id,
      },
    });
  }
}

async function revokeQuietly(lease: Lease): Promise<void> {
  try {
    await lease.revoke();
  } catch {
    lease.release();
  }
}
