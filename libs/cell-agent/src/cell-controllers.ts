import type { Replica } from '@helios/api';
import type { Logger } from '@helios/config';
import { AssumedWrites, type ControllerTerm, type ManagedController, type ReconcileContext, type ReconcileResult } from '@helios/controller-runtime';
import type { CloudProvider } from '@helios/provider';
import { changesFootprint, replicaId } from '@helios/scheduling';
import { BY_CELL, type Fence, type Informer, type KeyInformer, type Keys, type Lease, type LeasePool, type ResourceStore } from '@helios/store';
import type { Etcd3 } from 'etcd3';
import type { CellAgentSettings } from './cell-agent-settings';
import type { CellCache } from './cell-cache';
import { CellLock } from './cell-lock';
import { CellStatusReconciler } from './cell-status-reconciler';
import type { GpuGauges } from './gpu-gauges';
import { NodeBinder } from './node-binder';
import { PoolReconciler } from './pool-reconciler';

/** What the cell's controllers are built from. */
export interface CellControllerDeps {
  client: Etcd3;
  keys: Keys;
  store: ResourceStore;
  provider: CloudProvider;
  leases: LeasePool;
  log: Logger;
  agentId: string;
  fence: () => Fence;
  gauges?: GpuGauges;
  /** The agent's cell and its settings, defaults applied. */
  options: CellAgentSettings & { cell: string };
}

/** The cell's controllers, and a way to wake them all (after the cloud changed under them). */
export interface CellControllers {
  list: ManagedController[];
  enqueueAll(): void;
}

const BIND_KEY = 'bind';

const TERM_KEY = 'cell-term';

/** One term's caches, scoped to the cell, and what the pool reconciler and binder share. */
class CellTerm implements CellCache {
  readonly lock = new CellLock();
  /** Nodes the pool reconciler is giving back: never bound to. */
  readonly leavingNodes = new Set<string>();
  /** The binder's writes the replica cache does not show yet (see NodeBinder). */
  readonly assumed = new AssumedWrites<Replica>();
  /** Pools found in the cloud but maybe no longer in etcd (deleted while no agent ran). */
  readonly cloudPools = new Set<string>();
  readonly cells: Informer<'cell'>;
  readonly pools: Informer<'nodePool'>;
  readonly nodeInformer: Informer<'node'>;
  readonly replicaInformer: Informer<'replica'>;
  readonly heartbeats: KeyInformer;
  readonly poolReconciler: PoolReconciler;
  readonly binder: NodeBinder;
  readonly status: CellStatusReconciler;
  /** Each controller's enqueue for this term. */
  readonly wakes: (() => void)[] = [];

  constructor(
    term: ControllerTerm,
    private readonly deps: CellControllerDeps,
  ) {
    const { keys, options } = deps;
    const cell = options.cell;
    this.cells = term.informers.informer('cell');
    this.pools = term.informers.informer('nodePool', cell);
    this.nodeInformer = term.informers.informer('node', cell);
    // Replicas are keyed by deployment, not by cell: one informer of them all, read by its cell index.
    this.replicaInformer = term.informers.informer('replica');
    this.heartbeats = term.informers.keyInformer(keys.heartbeats(cell));
    const { store, provider, fence, log, gauges } = deps;
    this.poolReconciler = new PoolReconciler({
      cellName: cell,
      cache: this,
      store,
      provider,
      fence,
      log,
      capacityRetryMs: options.capacityRetryMs,
      lock: this.lock,
      leavingNodes: this.leavingNodes,
      gauges,
      unknownInstanceGraceMs: options.unknownInstanceGraceMs,
      notReadyGraceMs: options.notReadyGraceMs,
    });
    this.binder = new NodeBinder({ cellName: cell, cache: this, store, fence, log, lock: this.lock, leavingNodes: this.leavingNodes, assumed: this.assumed });
    this.status = new CellStatusReconciler({ cellName: cell, agentId: deps.agentId, cache: this, store, fence, log, gauges });
  }

  cell() {
    return this.cells.get(this.deps.options.cell);
  }

  pool(name: string) {
    return this.pools.get(name);
  }

  nodes() {
    return this.nodeInformer.list();
  }

  replicas() {
    const cached = this.replicaInformer.byIndex(BY_CELL, this.deps.options.cell);
    this.assumed.prune(this.replicaInformer.revision);
    if (this.assumed.size === 0) return cached;
    return cached.map((replica) => this.assumed.get(replicaId(replica)) ?? replica);
  }

  isLive = (node: string): boolean => this.heartbeats.get(this.deps.keys.heartbeat(this.deps.options.cell, node)) !== undefined;

  /** Every pool the cell has: in etcd, named by a node, or found in the cloud. */
  poolNames(): string[] {
    return [...new Set([...this.cloudPools, ...this.pools.list().map((p) => p.metadata?.name ?? ''), ...this.nodes().map((n) => n.spec?.pool ?? '')])].filter((name) => name !== '');
  }

  /** The pool of a node of this cell, if known. */
  poolOfNode(node: string | undefined): string | undefined {
    return node ? this.nodeInformer.get(node)?.spec?.pool || undefined : undefined;
  }
}

/**
 * The cell agent's controllers, one concern each, sharing one term's caches and cell lock:
 * - `cell-liveness-key`: holds `agents/<cell>` on a lease while leading (how the control plane
 *   knows the cell has an agent), and puts it back when the lease is lost;
 * - `pool`: one key per pool, the pool reconciler (cloud instances to match the pool's target);
 * - `node-binder`: one key, binds the cell's waiting replicas to nodes;
 * - `cell-status`: one key, the Cell's observed status and GPU gauges.
 * Events map to the keys they concern; each is also resynced every `resyncMs` (cloud drift).
 */
export function cellControllers(deps: CellControllerDeps): CellControllers {
  const cell = deps.options.cell;
  const resyncMs = deps.options.resyncMs;
  let current: CellTerm | undefined;
  const termOf = (term: ControllerTerm): CellTerm => {
    const shared = term.shared(TERM_KEY, () => new CellTerm(term, deps));
    current = shared;
    term.onStop(() => {
      if (current === shared) current = undefined;
    });
    return shared;
  };
  const inCell = (...cells: (string | undefined)[]) => cells.includes(cell);

  const liveness = new LivenessKeyController(deps);

  const pools: ManagedController = {
    name: 'pool',
    workers: deps.options.workers,
    backoff: { baseMs: 100, maxMs: 30_000, jitter: 0.2 },
    setup(term) {
      const t = termOf(term);
      term.watch(t.cells, (e) => (e.object.metadata?.name === cell ? t.poolNames() : undefined));
      term.watch(t.pools, (e) => e.object.metadata?.name);
      // A node's pool before and after: its membership counts in both.
      term.watch(t.nodeInformer, (e) => [...new Set([e.object.spec?.pool, e.previous?.spec?.pool])].filter((p): p is string => !!p));
      term.watch(t.heartbeats, (e) => t.poolOfNode(e.key.slice(t.heartbeats.prefix.length)));
      // A replica bound or gone changes whether its node is idle, and the GPUs its pool reports.
      term.watch(t.replicaInformer, (e) =>
        inCell(e.object.spec?.cell, e.previous?.spec?.cell) && changesFootprint(e)
          ? [t.poolOfNode(e.object.spec?.node), t.poolOfNode(e.previous?.spec?.node)].filter((p): p is string => !!p)
          : undefined,
      );
      term.resync(() => t.poolNames(), resyncMs);
      t.wakes.push(() => t.poolNames().forEach((p) => term.enqueue(p)));
      // Pools deleted while no agent ran still have instances: find them in the cloud.
      deps.provider.list(cell).then(
        (instances) => {
          for (const instance of instances) {
            t.cloudPools.add(instance.pool);
            term.enqueue(instance.pool);
          }
        },
        (err: unknown) => deps.log.warn({ err }, 'listing the cell in the cloud failed; relying on resync'),
      );
    },
    async reconcile(pool: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
      const t = current;
      if (!t) return;
      const result = await t.poolReconciler.reconcile(pool, ctx);
      if (!t.pools.get(pool)) t.cloudPools.delete(pool);
      return result;
    },
  };

  const binder: ManagedController = {
    name: 'node-binder',
    setup(term) {
      const t = termOf(term);
      term.watch(t.nodeInformer, () => BIND_KEY);
      term.watch(t.heartbeats, () => BIND_KEY);
      // A phase report of a bound replica or a wait reason (most events of a busy cell) binds nothing.
      term.watch(t.replicaInformer, (e) => (inCell(e.object.spec?.cell, e.previous?.spec?.cell) && changesFootprint(e) ? BIND_KEY : undefined));
      term.resync(() => [BIND_KEY], resyncMs);
      t.wakes.push(() => term.enqueue(BIND_KEY));
    },
    async reconcile() {
      await current?.binder.reconcile();
    },
  };

  const status: ManagedController = {
    name: 'cell-status',
    setup(term) {
      const t = termOf(term);
      term.watch(t.cells, (e) => (e.object.metadata?.name === cell ? cell : undefined));
      // Pool statuses carry the launches and GPUs the cell's totals follow.
      term.watch(t.pools, () => cell);
      term.watch(t.nodeInformer, () => cell);
      term.watch(t.heartbeats, () => cell);
      term.watch(t.replicaInformer, (e) => (inCell(e.object.spec?.cell, e.previous?.spec?.cell) && changesFootprint(e) ? cell : undefined));
      term.resync(() => [cell], resyncMs);
      t.wakes.push(() => term.enqueue(cell));
    },
    async reconcile(_key: string, ctx: ReconcileContext) {
      const t = current;
      if (!t) return;
      if (!t.cell()) {
        deps.log.info('cell object does not exist yet; waiting for the operator to apply it');
        return;
      }
      await t.status.reconcile(ctx);
    },
  };

  return {
    list: [liveness, pools, binder, status],
    enqueueAll: () => current?.wakes.forEach((wake) => wake()),
  };
}

const LIVENESS_KEY = 'liveness';

/**
 * Holds the cell's liveness key (`agents/<cell>`, value: the agent id) on a lease while this
 * agent leads: put when the term starts, put again on a fresh lease when the lease is lost (its
 * key is gone then, which the watch on agents reports), revoked when the term ends so a standby
 * is seen at once. The store has no raw-key write; this put is the cell agent's only direct etcd
 * write.
 */
class LivenessKeyController implements ManagedController {
  readonly name = 'cell-liveness-key';
  readonly backoff = { baseMs: 250, maxMs: 5_000, jitter: 0.2 };
  private lease: Lease | undefined;
  private agents: KeyInformer | undefined;

  constructor(private readonly deps: CellControllerDeps) {}

  setup(term: ControllerTerm): void {
    const key = this.deps.keys.agent(this.deps.options.cell);
    const agents = term.informers.keyInformer(this.deps.keys.agents());
    this.agents = agents;
    term.watch(agents, (e) => (e.key === key ? LIVENESS_KEY : undefined));
    term.resync(() => [LIVENESS_KEY], this.deps.options.resyncMs);
    let stopped = false;
    this.wake = () => {
      if (!stopped) term.enqueue(LIVENESS_KEY);
    };
    term.onStop(() => {
      stopped = true;
      const lease = this.lease;
      this.lease = undefined;
      // Revoked, so the control plane sees the cell without its agent (or the standby) at once.
      lease?.revoke().catch((err: unknown) => {
        lease.release();
        this.deps.log.warn({ err }, 'could not revoke the liveness lease; it will expire');
      });
    });
  }

  async reconcile(): Promise<void> {
    const { keys, options, leases, client, agentId, log } = this.deps;
    const key = keys.agent(options.cell);
    if (this.lease && this.agents?.get(key)) return;
    // Leadership is checked before the key is put: a deposed leader must not claim the cell.
    this.deps.fence();
    const fresh = !this.lease;
    const lease = this.lease ?? (await leases.grant(options.leaseTtl));
    try {
      await client.put(key).value(agentId).lease(lease.id).exec();
    } catch (err) {
      if (fresh) await lease.revoke().catch(() => lease.release());
      throw new Error(`registering the liveness key of cell ${options.cell}`, { cause: err });
    }
    if (!fresh) return;
    this.lease = lease;
    lease.onLost(() => {
      if (this.lease !== lease) return;
      log.warn('liveness lease lost; registering again');
      this.lease = undefined;
      this.wake();
    });
  }

  private wake: () => void = () => undefined;
}
