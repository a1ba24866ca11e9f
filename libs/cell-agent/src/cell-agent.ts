import { createLogger, type Logger } from '@helios/config';
import { ControllerMetrics, ControllerRegistry } from '@helios/controller-runtime';
import type { CloudProvider } from '@helios/provider';
import { LeaderElection, ResourceStore, SharedInformers, type Keys, type LeasePool } from '@helios/store';
import type { Etcd3 } from 'etcd3';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import { resolveCellAgentSettings, type CellAgentSettings } from './cell-agent-settings';
import { cellControllers, type CellControllers } from './cell-controllers';
import { GpuGauges } from './gpu-gauges';

/** Who a cell agent is, and how it paces itself (the defaults are resolveCellAgentSettings's). */
export interface CellAgentOptions extends Partial<CellAgentSettings> {
  cell: string;
  /** This agent's id (value of its liveness and election keys); default `<host>-<pid>-<random>`. */
  id?: string;
}

/** What a cell agent talks to. */
export interface CellAgentDeps {
  client: Etcd3;
  keys: Keys;
  provider: CloudProvider;
  /** Keeps the election and liveness leases alive; share it with in-process node agents. */
  leases: LeasePool;
  /** Built from client and keys when omitted. */
  store?: ResourceStore;
  logger?: Logger;
  /** Where the GPU gauges (helios_pool_gpus, helios_cell_gpus) go; none when omitted. */
  metrics?: Registry;
}

// After a campaign failed (etcd unreachable), wait this long before standing again.
const RESTART_DELAY_MS = 1_000;

/**
 * Runs one cell: while elected leader of `cell-agent-<cell>`, it runs the cell's controllers on
 * the shared manager machine (see cell-controllers.ts): the liveness key on a lease, the pool
 * reconciler, the node binder and the cell status reconciler, over one informer per prefix it
 * follows (its cell's pools, nodes and heartbeats; cells; replicas). A second agent for the same
 * cell stands by and takes over when the leader's lease goes; every write of a leader is fenced
 * on its election key, so a deposed one cannot write.
 */
export class CellAgent {
  readonly id: string;
  readonly cell: string;
  private readonly log: Logger;
  private readonly election: LeaderElection;
  private readonly informers: SharedInformers;
  private readonly registry: ControllerRegistry;
  private readonly controllers: CellControllers;
  private leading = false;
  private started = false;
  private stopping: Promise<void> | undefined;
  private stopped = false;
  private leadingWaiters: (() => void)[] = [];

  constructor(deps: CellAgentDeps, options: CellAgentOptions) {
    this.cell = options.cell;
    const settings = resolveCellAgentSettings(options);
    this.id = options.id ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const store = deps.store ?? new ResourceStore(deps.client, deps.keys);
    this.log = (deps.logger ?? createLogger('cell-agent')).child({ cell: options.cell, agent: this.id });
    this.election = new LeaderElection(deps.client, deps.keys, `cell-agent-${options.cell}`, this.id, {
      ttl: settings.leaseTtl,
      leases: deps.leases,
      onError: (err) => this.log.warn({ err }, 'election problem (retrying)'),
    });
    this.informers = new SharedInformers(deps.client, deps.keys, { onError: (err) => this.log.warn({ err }, 'informer problem (recovering)') });
    this.controllers = cellControllers({
      ...deps,
      store,
      log: this.log,
      agentId: this.id,
      fence: () => this.election.fence(),
      gauges: deps.metrics ? new GpuGauges(deps.metrics) : undefined,
      options: { ...settings, cell: options.cell },
    });
    this.registry = new ControllerRegistry({
      logger: this.log,
      informers: this.informers,
      metrics: deps.metrics ? new ControllerMetrics(deps.metrics) : undefined,
      onRunning: () => {
        this.leading = true;
        for (const resolve of this.leadingWaiters.splice(0)) resolve();
      },
    });
    for (const controller of this.controllers.list) this.registry.register(controller);
    this.election.on('elected', () => this.log.info('elected; starting controllers'));
    this.election.on('lost', (reason) => {
      this.leading = false;
      this.log.warn({ reason: reason?.message }, 'lost leadership; standing by');
      if (!this.stopped) void this.campaign();
    });
  }

  /** True while this agent leads its cell and its controllers run. */
  get isLeader(): boolean {
    return this.leading && this.registry.running;
  }

  /** Stands for election and, once elected, runs the cell's controllers; returns at once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.registry.follow(this.election);
    void this.campaign();
  }

  /** Resolves once this agent leads and its caches are synced. */
  whenLeading(): Promise<void> {
    if (this.isLeader) return Promise.resolve();
    return new Promise((resolve) => this.leadingWaiters.push(resolve));
  }

  /** Queues every pool and the cell for reconciliation now (e.g. after changing the cloud). */
  resync(): void {
    this.controllers.enqueueAll();
  }

  /**
   * Stops the controllers (the liveness lease is revoked with them) and resigns, so a standby
   * takes over at once. Node agents the caller runs are the caller's to stop.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    this.stopped = true;
    this.leading = false;
    await this.registry.close();
    await this.election.resign().catch((err: unknown) => this.log.warn({ err }, 'resign failed'));
    await this.informers.stop();
    this.log.info('cell agent stopped');
  }

  private async campaign(): Promise<void> {
    while (!this.stopped) {
      try {
        this.log.info('standing for election');
        await this.election.campaign();
        return;
      } catch (err) {
        if (this.stopped) return;
        this.log.warn({ err }, 'campaign failed');
        await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
      }
    }
  }
}
