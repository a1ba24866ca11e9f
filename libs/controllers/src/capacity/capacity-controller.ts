import { canonicalJson, NodePoolStatus, Replica, Tier, type Cell, type Deployment, type NodePool } from '@helios/api';
import { planCapacity, scaleDownBlockedUntil, type PoolPlan } from '@helios/capacity';
import { systemClock, type Clock, type ControllerTerm, type ManagedController, type ReconcileContext, type ReconcileResult } from '@helios/controller-runtime';
import { awaitsNode, CELL_CONDITIONS, demandingReplicas, POOL_CONDITIONS } from '@helios/replica-lifecycle';
import { changesFootprint, poolKey, replicaId, sameOffer, strandedReplicas } from '@helios/scheduling';
import { BY_CELL, isConflict, isNotFound, type Informer, type WriteOptions } from '@helios/store';
import type { ControllerDeps } from '../controller-deps';
import { plannerOptions, resolveCapacitySettings, type CapacitySettings } from './capacity-settings';

/**
 * The capacity planner's control loop: for each cell, turns the replicas placed there into a
 * desired node count per pool with the pure `planCapacity`, and writes it to the pool's
 * `status.desired` (with `status.lastScaleUpTime` when it goes up, which starts the scale-down
 * cooldown). The cell agent makes the cloud follow.
 *
 * Demand no pool of the cell can take (every matching pool is out of cloud capacity or at max) is
 * handed back to cell placement: the replica's cell and tier are cleared, so placement chooses
 * again among the pools, tiers and cells that are left. That is how a stock-out falls back to the
 * next tier or cell; the next pool of the same tier is the planner's own choice. So is every
 * replica still waiting for a node in a cell whose agent has been gone for the grace
 * (`--cell-unreachable-grace-seconds`): no one there would bind it.
 *
 * Keyed by cell. Writes are fenced by leadership; pool status goes through read-modify-write, so
 * the cell agent's status writes and ours never overwrite each other.
 */
export class CapacityController implements ManagedController {
  readonly name = 'capacity';
  private pools: Informer<'nodePool'> | undefined;
  private nodes: Informer<'node'> | undefined;
  private replicas: Informer<'replica'> | undefined;
  private deployments: Informer<'deployment'> | undefined;
  private cellInformer: Informer<'cell'> | undefined;
  private readonly clock: Clock;
  private readonly settings: CapacitySettings;

  constructor(
    private readonly deps: ControllerDeps,
    settings?: Partial<CapacitySettings>,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.settings = resolveCapacitySettings({ ...deps.capacity, ...settings });
  }

  setup(term: ControllerTerm): void {
    const { informers } = term;
    const pools = informers.informer('nodePool');
    const nodes = informers.informer('node');
    const replicas = informers.informer('replica');
    const deployments = informers.informer('deployment');
    const cells = informers.informer('cell');
    // Only events that can change a decision wake a cell: the cell agent's status reports (a
    // pool's members and GPUs, a cell's totals, a replica's phase once bound) and the deployment
    // controller's status writes cannot, and during a burst they are most of the events.
    const coalesce = { coalesceMs: this.settings.coalesceMs };
    term.watch(pools, (e) => (e.previous && sameOffer(e.previous, e.object) ? undefined : e.object.spec?.cell), coalesce);
    term.watch(nodes, (e) => cellsOf(e.object.spec?.cell, e.previous?.spec?.cell), coalesce);
    term.watch(replicas, (e) => (changesFootprint(e) ? cellsOf(e.object.spec?.cell, e.previous?.spec?.cell) : undefined), coalesce);
    // A tier policy changes what every cell's waiting replicas may use.
    term.watch(deployments, (e) => (e.previous && sameTierPolicy(e.previous, e.object) ? undefined : this.cells()), coalesce);
    // A cell whose agent is lost strands the replicas waiting there.
    term.watch(cells, (e) => (e.previous && sameLiveness(e.previous, e.object) ? undefined : e.object.metadata?.name), coalesce);
    // Each reconcile asks for its own next look (cooldowns, backoffs, the resync period); this
    // first pass starts that at a new term.
    term.resync(() => this.cells(), this.settings.resyncSeconds * 1000);
    this.pools = pools;
    this.nodes = nodes;
    this.replicas = replicas;
    this.deployments = deployments;
    this.cellInformer = cells;
    term.onStop(() => {
      this.pools = undefined;
      this.nodes = undefined;
      this.replicas = undefined;
      this.deployments = undefined;
      this.cellInformer = undefined;
    });
  }

  async reconcile(cell: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    if (!this.pools || !this.nodes || !this.replicas || !this.deployments || !this.cellInformer) return;
    const now = new Date(this.clock.now());
    const opts: WriteOptions = { fence: this.deps.fence(), onWritten: ctx.wrote };
    const inCell = this.replicas.byIndex(BY_CELL, cell);
    const { stranded, recheckAt } = strandedReplicas(cell, this.cellInformer.get(cell), inCell, now, this.settings.cellUnreachableGraceSeconds);
    if (stranded) {
      await this.handBack({ cell, replicas: stranded.replicas.map(replicaId), reason: stranded.reason, message: stranded.message }, inCell, opts);
      // The hand-back's events bring the cell back with what is left.
      return;
    }
    const pools = this.pools.byIndex(BY_CELL, cell);
    const replicas = demandingReplicas(inCell);
    if (pools.length === 0 && !replicas.some(awaitsNode)) return;
    const plan = planCapacity(
      {
        pools,
        nodes: this.nodes.byIndex(BY_CELL, cell),
        replicas,
        deployments: this.deployments.list(),
        lastScaleUpAt: Object.fromEntries(pools.map((p) => [poolKey(cell, p.metadata?.name ?? ''), p.status?.lastScaleUpTime])),
        options: plannerOptions(this.settings),
      },
      now,
    );
    for (const decision of plan.pools) await this.apply(decision, now, opts);
    for (const unmet of plan.unmet) await this.handBack(unmet, inCell, opts);
    const next = this.nextLook(pools, plan.pools, now);
    return { requeueAfter: recheckAt ? Math.min(next, recheckAt.getTime() - now.getTime() + 10) : next };
  }

  /** Writes one pool's desired count, stamping lastScaleUpTime when it rises. */
  private async apply(decision: PoolPlan, now: Date, opts: WriteOptions): Promise<void> {
    const cached = this.pools?.get(decision.pool, decision.cell);
    if (!cached || cached.status?.desired === decision.desired) return;
    try {
      await this.deps.store.mutate(
        'nodePool',
        decision.pool,
        decision.cell,
        (current) => {
          const previous = current.status?.desired ?? 0;
          if (previous === decision.desired) return undefined;
          const status = NodePoolStatus.fromPartial({ ...current.status, desired: decision.desired });
          if (decision.desired > previous) status.lastScaleUpTime = now.toISOString();
          return { ...current, status };
        },
        opts,
      );
    } catch (err) {
      if (isNotFound(err)) return;
      throw new Error(`setting desired ${decision.desired} on pool ${decision.cell}/${decision.pool}`, { cause: err });
    }
    this.deps.logger.info(
      { cell: decision.cell, pool: decision.pool, desired: decision.desired, previous: cached.status?.desired ?? 0, reason: decision.reason, detail: decision.message },
      'pool desired count changed',
    );
  }

  /** Clears the cell (and tier) of replicas the cell cannot hold, so placement chooses again. */
  private async handBack(unmet: { cell: string; replicas: readonly string[]; reason: string; message: string }, inCell: readonly Replica[], opts: WriteOptions): Promise<void> {
    const wanted = new Set(unmet.replicas);
    const replicas = inCell.filter((r) => wanted.has(replicaId(r)) && awaitsNode(r) && r.spec?.cell === unmet.cell);
    for (const replica of replicas) {
      const next = Replica.fromPartial({
        ...replica,
        spec: { ...replica.spec, cell: '', tier: Tier.TIER_UNSPECIFIED },
        status: { ...replica.status, reason: unmet.reason, message: `${unmet.message}; placing it again` },
      });
      try {
        await this.deps.store.update('replica', next, opts);
      } catch (err) {
        if (isConflict(err) || isNotFound(err)) continue;
        throw new Error(`handing replica ${replicaId(replica)} back to placement from cell ${unmet.cell}`, { cause: err });
      }
    }
    if (replicas.length > 0) this.deps.logger.info({ cell: unmet.cell, replicas: replicas.length, reason: unmet.reason, detail: unmet.message }, 'unmet demand handed back to placement');
  }

  /**
   * When to plan the cell again without an event: when a held scale-down's cooldown ends, when a
   * CapacityUnavailable pool's backoff ends (so it is asked again), or at the resync period.
   */
  private nextLook(pools: readonly NodePool[], decisions: readonly PoolPlan[], now: Date): number {
    let next = this.settings.resyncSeconds * 1000;
    for (const decision of decisions) {
      if (decision.reason !== 'CooldownHold') continue;
      const pool = pools.find((p) => p.metadata?.name === decision.pool);
      const until = scaleDownBlockedUntil(pool?.status?.lastScaleUpTime, now, this.settings.scaleDownCooldownSeconds);
      if (until) next = Math.min(next, until.getTime() - now.getTime());
    }
    for (const pool of pools) {
      const condition = pool.status?.conditions.find((c) => c.type === POOL_CONDITIONS.capacityUnavailable && c.status === 'True');
      const since = Date.parse(condition?.lastTransitionTime ?? '');
      if (Number.isNaN(since)) continue;
      const until = since + this.settings.capacityUnavailableBackoffSeconds * 1000;
      if (until > now.getTime()) next = Math.min(next, until - now.getTime());
    }
    // A little past the boundary, so the decision made then is on the far side of it.
    return Math.max(0, next) + 10;
  }

  /** Every cell with pools or placed replicas. */
  private cells(): Set<string> {
    const cells = new Set<string>();
    for (const cell of this.pools?.indexValues(BY_CELL) ?? []) cells.add(cell);
    for (const cell of this.replicas?.indexValues(BY_CELL) ?? []) cells.add(cell);
    return cells;
  }
}

function sameTierPolicy(a: Deployment, b: Deployment): boolean {
  return canonicalJson(a.spec?.placement?.tierPolicy ?? {}) === canonicalJson(b.spec?.placement?.tierPolicy ?? {});
}

/** True when two states of a cell strand the same replicas: the same phase and AgentLive condition. */
function sameLiveness(a: Cell, b: Cell): boolean {
  const live = (c: Cell) => c.status?.conditions.find((condition) => condition.type === CELL_CONDITIONS.agentLive);
  return a.status?.phase === b.status?.phase && canonicalJson(live(a) ?? {}) === canonicalJson(live(b) ?? {});
}

function cellsOf(...cells: (string | undefined)[]): string[] {
  return [...new Set(cells.filter((cell): cell is string => !!cell))];
}
