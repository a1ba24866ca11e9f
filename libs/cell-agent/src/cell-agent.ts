import { createLogger, type Logger } from '@helios/config';
import { ControllerRunner, type ReconcileResult } from '@helios/controller-runtime';
import type { CloudProvider } from '@helios/provider';
import { Informer, KeyInformer, LeaderElection, ResourceStore, type Keys, type Lease, type LeasePool } from '@helios/store';
import type { Etcd3 } from 'etcd3';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import { cacheReached } from '@helios/store';
import type { CellCache } from './cell-cache';
import { CellLock } from './cell-lock';
import { CellStatusReconciler } from './cell-status-reconciler';
import { GpuGauges } from './gpu-gauges';
import { NodeBinder } from './node-binder';
import { PoolReconciler } from './pool-reconciler';

/** Who a cell agent is and how it paces itself. */
export interface CellAgentOptions {
  cell: string;
  /** This agent's id (value of its liveness and election keys); default `<host>-<pid>-<random>`. */
  id?: string;
  /** TTL in seconds of the election and liveness leases; default 5. */
  leaseTtl?: number;
  /** Every pool is reconciled at least this often, to notice cloud drift; default 30 s. */
  resyncMs?: number;
  /** Retry delay of a pool whose launch found no capacity; default 30 s. */
  capacityRetryMs?: number;
  /** Keys reconciled at once (never one key twice at once); default 4. */
  workers?: number;
  /** How long a cloud instance etcd does not know is left alone before it is terminated; default 10 min. */
  unknownInstanceGraceMs?: number;
  /** How long an idle NotReady node's instance is kept in case it comes back; default 10 min. */
  notReadyGraceMs?: number;
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

const CELL_KEY = 'cell';
const BIND_KEY = 'bind';
const POOL_KEY_PREFIX = 'pool/';
// After a leadership term failed to start (etcd unreachable), wait this long before standing again.
const RESTART_DELAY_MS = 1_000;

/**
 * Runs one cell: while elected leader of `cell-agent-<cell>`, it keeps the cell's liveness key
 * on a lease and runs the node binder, the pool reconciler (informers on the cell's pools, nodes,
 * heartbeats and the replicas placed in it -> work queue -> reconcile(pool)) and the cell status
 * reconciler. A second agent for the same
 * cell stands by and takes over when the leader's lease goes; every write of a leader is fenced
 * on its election key, so a deposed one cannot write.
 */
export class CellAgent {
  readonly id: string;
  readonly cell: string;
  private readonly store: ResourceStore;
  private readonly log: Logger;
  private readonly election: LeaderElection;
  private term: LeaderTerm | undefined;
  private endTerm: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private stopped = false;
  private leadingWaiters: (() => void)[] = [];

  constructor(
    private readonly deps: CellAgentDeps,
    private readonly options: CellAgentOptions,
  ) {
    this.cell = options.cell;
    this.id = options.id ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.store = deps.store ?? new ResourceStore(deps.client, deps.keys);
    this.log = (deps.logger ?? createLogger('cell-agent')).child({ cell: options.cell, agent: this.id });
    this.election = new LeaderElection(deps.client, deps.keys, `cell-agent-${options.cell}`, this.id, {
      ttl: options.leaseTtl ?? 5,
      leases: deps.leases,
      onError: (err) => this.log.warn({ err }, 'election problem (retrying)'),
    });
    this.election.on('lost', (reason) => {
      this.log.warn({ reason: reason?.message }, 'lost leadership; standing by');
      this.endTerm?.();
    });
  }

  /** True while this agent leads its cell and its controllers run. */
  get isLeader(): boolean {
    return this.term?.running === true;
  }

  /** Stands for election and, once elected, runs the cell's controllers; returns at once. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Resolves once this agent leads and its caches are synced. */
  whenLeading(): Promise<void> {
    if (this.isLeader) return Promise.resolve();
    return new Promise((resolve) => this.leadingWaiters.push(resolve));
  }

  /** Queues every pool and the cell for reconciliation now (e.g. after changing the cloud). */
  resync(): void {
    this.term?.enqueueAll();
  }

  /**
   * Stops the controllers, revokes the liveness lease and resigns, so a standby takes over at
   * once. Node agents the caller runs are the caller's to stop.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    this.stopped = true;
    this.endTerm?.();
    // A pending campaign only ends by resigning.
    if (!this.election.isLeader) await this.election.resign().catch((err: unknown) => this.log.warn({ err }, 'resign failed'));
    await this.loop;
    await this.election.resign().catch((err: unknown) => this.log.warn({ err }, 'resign failed'));
    this.log.info('cell agent stopped');
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const ended = new Promise<void>((resolve) => (this.endTerm = resolve));
      try {
        this.log.info('standing for election');
        await this.election.campaign();
      } catch (err) {
        if (this.stopped) return;
        this.log.warn({ err }, 'campaign failed');
        await sleep(RESTART_DELAY_MS);
        continue;
      }
      if (this.stopped) return;
      this.log.info('elected; starting controllers');
      const term = new LeaderTerm(this.deps, this.options, this.store, this.election, this.id, this.log);
      this.term = term;
      try {
        await term.start();
      } catch (err) {
        this.log.error({ err }, 'controllers failed to start; resigning');
        this.term = undefined;
        await term.stop();
        await this.election.resign().catch(() => undefined);
        await sleep(RESTART_DELAY_MS);
        continue;
      }
      for (const resolve of this.leadingWaiters.splice(0)) resolve();
      await ended;
      this.term = undefined;
      await term.stop();
    }
  }
}

/** The controllers of one leadership term; thrown away when it ends, so a new term never trusts an old cache. */
class LeaderTerm implements CellCache {
  running = false;
  private readonly cells: Informer<'cell'>;
  private readonly pools: Informer<'nodePool'>;
  private readonly nodeInformer: Informer<'node'>;
  private readonly replicaInformer: Informer<'replica'>;
  private readonly heartbeats: KeyInformer;
  private readonly runner: ControllerRunner;
  private readonly abort = new AbortController();
  private runDone: Promise<void> | undefined;
  private readonly poolReconciler: PoolReconciler;
  private readonly cellReconciler: CellStatusReconciler;
  private readonly binder: NodeBinder;
  private readonly cloudPools = new Set<string>();
  private agentLease: Lease | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly deps: CellAgentDeps,
    private readonly options: CellAgentOptions,
    store: ResourceStore,
    election: LeaderElection,
    private readonly agentId: string,
    private readonly log: Logger,
  ) {
    const { client, keys } = deps;
    const cell = options.cell;
    const onError = (err: Error) => log.warn({ err }, 'informer problem (recovering)');
    this.cells = new Informer(client, keys, 'cell', { onError });
    this.pools = new Informer(client, keys, 'nodePool', { parent: cell, onError });
    this.nodeInformer = new Informer(client, keys, 'node', { parent: cell, onError });
    // Replicas are keyed by deployment, not by cell: this watches them all and keeps to its cell's.
    this.replicaInformer = new Informer(client, keys, 'replica', { onError });
    this.heartbeats = new KeyInformer(client, keys.heartbeats(cell), { onError });
    this.runner = new ControllerRunner({
      name: 'cell-agent',
      reconcile: (key) => this.reconcile(key),
      workers: options.workers ?? 4,
      backoff: { baseMs: 100, maxMs: 30_000, jitter: 0.2 },
      logger: log,
    });
    const fence = () => election.fence();
    const lock = new CellLock();
    const leavingNodes = new Set<string>();
    const gauges = deps.metrics ? new GpuGauges(deps.metrics) : undefined;
    this.poolReconciler = new PoolReconciler({
      cellName: cell,
      cache: this,
      store,
      provider: deps.provider,
      fence,
      log,
      capacityRetryMs: options.capacityRetryMs,
      lock,
      leavingNodes,
      gauges,
      unknownInstanceGraceMs: options.unknownInstanceGraceMs,
      notReadyGraceMs: options.notReadyGraceMs,
    });
    this.cellReconciler = new CellStatusReconciler({ cellName: cell, agentId, cache: this, store, fence, log, gauges });
    this.binder = new NodeBinder({ cellName: cell, cache: this, store, fence, log, lock, leavingNodes });
  }

  cell() {
    return this.cells.get(this.options.cell);
  }

  pool(name: string) {
    return this.pools.get(name);
  }

  nodes() {
    return this.nodeInformer.list();
  }

  replicas() {
    return this.replicaInformer.list().filter((r) => r.spec?.cell === this.options.cell);
  }

  async nodesReached(revision: number): Promise<void> {
    await cacheReached(this.nodeInformer, revision);
  }

  async replicasReached(revision: number): Promise<void> {
    await cacheReached(this.replicaInformer, revision);
  }

  isLive = (node: string): boolean => this.heartbeats.get(this.deps.keys.heartbeat(this.options.cell, node)) !== undefined;

  async start(): Promise<void> {
    const cell = this.options.cell;
    // Which keys an event concerns: a node's pool (before and after) and the cell's status.
    this.runner.watch(this.cells, (e) => (e.object.metadata?.name === cell ? this.allKeys() : undefined));
    this.runner.watch(this.pools, (e) => POOL_KEY_PREFIX + (e.object.metadata?.name ?? ''));
    this.runner.watch(this.nodeInformer, (e) => [
      ...[...new Set([e.object.spec?.pool, e.previous?.spec?.pool])].flatMap((pool) => (pool ? [POOL_KEY_PREFIX + pool] : [])),
      CELL_KEY,
      BIND_KEY,
    ]);
    this.runner.watch(this.heartbeats, (e) => {
      const pool = this.nodeInformer.get(e.key.slice(this.heartbeats.prefix.length))?.spec?.pool;
      return pool ? [POOL_KEY_PREFIX + pool, CELL_KEY, BIND_KEY] : [CELL_KEY, BIND_KEY];
    });
    // A replica placed here waits for a node; one bound or gone changes whether its node is idle
    // and the GPUs its pool and cell report.
    this.runner.watch(this.replicaInformer, (e) => {
      if (e.object.spec?.cell !== cell && e.previous?.spec?.cell !== cell) return undefined;
      const nodes = new Set([e.object.spec?.node, e.previous?.spec?.node].filter((n): n is string => !!n));
      const pools = [...nodes].flatMap((n) => {
        const pool = this.nodeInformer.get(n)?.spec?.pool;
        return pool ? [POOL_KEY_PREFIX + pool] : [];
      });
      return [BIND_KEY, CELL_KEY, ...pools];
    });
    await Promise.all([this.cells.start(), this.pools.start(), this.nodeInformer.start(), this.replicaInformer.start(), this.heartbeats.start()]);
    if (!this.cell()) this.log.info('cell object does not exist yet; waiting for the operator to apply it');
    await this.registerLiveness();
    // Pools deleted while no agent ran still have instances: find them in the cloud.
    try {
      for (const instance of await this.deps.provider.list(cell)) this.cloudPools.add(instance.pool);
    } catch (err) {
      this.log.warn({ err }, 'listing the cell in the cloud failed; relying on resync');
    }
    this.running = true;
    this.runDone = this.runner.run(this.abort.signal);
    this.enqueueAll();
    this.resyncTimer = setInterval(() => this.enqueueAll(), this.options.resyncMs ?? 30_000);
    this.resyncTimer.unref();
  }

  enqueueAll(): void {
    for (const key of this.allKeys()) this.runner.enqueue(key);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    clearInterval(this.resyncTimer);
    this.abort.abort();
    await this.runDone;
    await Promise.all([this.cells.stop(), this.pools.stop(), this.nodeInformer.stop(), this.replicaInformer.stop(), this.heartbeats.stop()]);
    const lease = this.agentLease;
    this.agentLease = undefined;
    await lease?.revoke().catch((err: unknown) => {
      lease.release();
      this.log.warn({ err }, 'could not revoke the liveness lease; it will expire');
    });
  }

  private allKeys(): string[] {
    const names = new Set([...this.cloudPools, ...this.pools.list().map((p) => p.metadata?.name ?? ''), ...this.nodes().map((n) => n.spec?.pool ?? '')]);
    return [...[...names].flatMap((name) => (name ? [POOL_KEY_PREFIX + name] : [])), CELL_KEY, BIND_KEY];
  }

  private async reconcile(key: string): Promise<ReconcileResult | void> {
    if (key === CELL_KEY) return this.cellReconciler.reconcile();
    if (key === BIND_KEY) return this.binder.reconcile();
    const pool = key.slice(POOL_KEY_PREFIX.length);
    const result = await this.poolReconciler.reconcile(pool);
    if (!this.pools.get(pool)) this.cloudPools.delete(pool);
    this.runner.enqueue(CELL_KEY);
    return result;
  }

  /** Puts the liveness key on a fresh lease, and again whenever that lease is lost. */
  private async registerLiveness(): Promise<void> {
    const lease = await this.deps.leases.grant(this.options.leaseTtl ?? 5);
    if (this.stopped) {
      await lease.revoke().catch(() => lease.release());
      return;
    }
    try {
      // The store has no raw-key write; this put is the cell agent's only direct etcd write.
      await this.deps.client.put(this.deps.keys.agent(this.options.cell)).value(this.agentId).lease(lease.id).exec();
    } catch (err) {
      await lease.revoke().catch(() => lease.release());
      throw new Error(`registering the liveness key of cell ${this.options.cell}`, { cause: err });
    }
    this.agentLease = lease;
    lease.onLost(() => {
      if (this.stopped || this.agentLease !== lease) return;
      this.log.warn('liveness lease lost; registering again');
      void this.reregisterLiveness();
    });
  }

  private async reregisterLiveness(): Promise<void> {
    let delay = 250;
    while (!this.stopped) {
      try {
        await this.registerLiveness();
        return;
      } catch (err) {
        this.log.warn({ err, retryInMs: delay }, 'liveness registration failed');
        await sleep(delay);
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
