import { canonicalJson, metaOf, Replica, ReplicaPhase } from '@helios/api';
import { AssumedWrites, systemClock, type Clock, type ControllerTerm, type ManagedController, type ReconcileContext, type ReconcileResult } from '@helios/controller-runtime';
import { awaitsCell, isBound } from '@helios/replica-lifecycle';
import { changesFootprint, replicaId, sameOffer, type Unplaceable } from '@helios/scheduling';
import { BY_CELL, BY_DEPLOYMENT, type Informer, type WriteOptions } from '@helios/store';
import type { ControllerDeps } from '../controller-deps';
import { resolveCapacitySettings } from '../capacity/capacity-settings';
import { PlacementView, type PlacementCache } from './placement-view';

/** Options of the placement controller. */
export interface PlacementOptions {
  /** Seconds a CapacityUnavailable pool is skipped; must match the capacity planner's. */
  capacityUnavailableBackoffSeconds?: number;
  /** How soon a deployment with unplaceable replicas is tried again, in ms. Default 5 s. */
  retryUnplaceableMs?: number;
  /** Deployments placed at once (their writes overlap; assumptions keep their GPUs apart). Default 4. */
  workers?: number;
}

// Waiting deployments are looked at this often even when nothing changes, as a guard against a missed event.
const RESYNC_MS = 60_000;

/**
 * Cell placement: gives each Pending replica without a cell (one the deployment controller made,
 * or one the capacity planner handed back) a cell and a tier, with the pure `placeOnInventories`.
 * Keyed by deployment; a deployment is looked at again whenever cells, pools or nodes change, or a
 * replica frees GPUs, while it has replicas waiting. Every write is a compare-and-swap on the
 * replica, fenced by leadership; a replica that changed meanwhile is skipped and comes back with
 * its own event.
 *
 * Deployments share free GPUs, yet each waits only for the caches to show its own writes
 * (read-your-writes by key): a placement is assumed (AssumedWrites) from the moment it is
 * decided until the replica cache shows its write, so the next deployment, placed before the cache
 * catches up, never counts the same GPUs free. Each cell's inventory is kept between reconciles
 * and built again only when a node, pool or replica of the cell changes what it holds
 * (PlacementView), so a reconcile costs its own deployment and the candidate cells, not the fleet.
 */
export class PlacementController implements ManagedController {
  readonly name = 'placement';
  readonly workers: number;
  private deployments: Informer<'deployment'> | undefined;
  private cells: Informer<'cell'> | undefined;
  private view: PlacementView | undefined;
  private readonly clock: Clock;
  private readonly backoffSeconds: number;
  private readonly retryMs: number;

  constructor(
    private readonly deps: ControllerDeps,
    options: PlacementOptions = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.backoffSeconds = options.capacityUnavailableBackoffSeconds ?? resolveCapacitySettings(deps.capacity).capacityUnavailableBackoffSeconds;
    this.retryMs = options.retryUnplaceableMs ?? 5_000;
    this.workers = options.workers ?? 4;
  }

  setup(term: ControllerTerm): void {
    const { informers } = term;
    const deployments = informers.informer('deployment');
    const replicas = informers.informer('replica');
    const cells = informers.informer('cell');
    const pools = informers.informer('nodePool');
    const nodes = informers.informer('node');
    const cache: PlacementCache = {
      get revision() {
        return replicas.revision;
      },
      replicasOf: (deployment) => replicas.byIndex(BY_DEPLOYMENT, deployment),
      replicasIn: (cell) => replicas.byIndex(BY_CELL, cell),
      nodesIn: (cell) => nodes.byIndex(BY_CELL, cell),
      poolsIn: (cell) => pools.byIndex(BY_CELL, cell),
    };
    const view = new PlacementView(cache, new AssumedWrites<Replica>((replica) => replica.spec?.cell ?? ''), { now: () => this.clock.now(), capacityUnavailableBackoffSeconds: this.backoffSeconds });
    const waiting = new WaitingReplicas(replicas);
    // The deployment controller's status writes (one per replica phase change) place nothing.
    term.watch(deployments, (e) =>
      e.type === 'deleted' || (e.previous && canonicalJson(e.previous.spec ?? {}) === canonicalJson(e.object.spec ?? {})) ? undefined : (e.object.metadata?.name ?? ''),
    );
    term.watch(replicas, (e) => {
      waiting.observe(replicaId(e.object), e.type === 'deleted' ? undefined : e.object);
      if (changesFootprint(e)) {
        view.invalidate(e.object.spec?.cell);
        view.invalidate(e.previous?.spec?.cell);
      }
      const keys = new Set<string>();
      if (e.type !== 'deleted' && awaitsCell(e.object)) keys.add(e.object.spec?.deployment ?? '');
      // A replica that went away, failed or moved off a node frees GPUs others may be waiting for.
      if (freesCapacity(e.type, e.object, e.previous)) for (const name of waiting.deployments()) keys.add(name);
      return keys;
    });
    // A pool's member and GPU reports (written as replicas bind) offer nothing new.
    term.watch(pools, (e) => {
      if (e.previous && sameOffer(e.previous, e.object)) return undefined;
      view.invalidate(e.object.spec?.cell);
      view.invalidate(e.previous?.spec?.cell);
      return waiting.deployments();
    });
    term.watch(nodes, (e) => {
      view.invalidate(e.object.spec?.cell);
      view.invalidate(e.previous?.spec?.cell);
      return waiting.deployments();
    });
    // Only a cell's phase decides whether it is a candidate; its GPU totals are reports.
    term.watch(cells, (e) => (e.previous && e.previous.status?.phase === e.object.status?.phase ? undefined : waiting.deployments()));
    term.resync(() => waiting.deployments(), RESYNC_MS);
    this.deployments = deployments;
    this.cells = cells;
    this.view = view;
    term.onStop(() => {
      view.clear();
      this.deployments = undefined;
      this.cells = undefined;
      this.view = undefined;
    });
  }

  async reconcile(name: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const deployment = this.deployments?.get(name);
    const view = this.view;
    // A deleted deployment's replicas are the deployment controller's to remove, not ours to place.
    if (!deployment || !view || !this.cells) return;
    // The fence first: a process that does not lead assumes nothing.
    const opts: WriteOptions = { fence: this.deps.fence(), onWritten: ctx.wrote };
    const { plan, placed } = view.plan(deployment, this.cells.list());
    if (plan.assignments.length === 0 && plan.unplaceable.length === 0) return;

    const writes = [...placed, ...plan.unplaceable.flatMap(explained)];
    let results: Awaited<ReturnType<ControllerDeps['store']['updateEach']>>;
    try {
      // A replica that changed or went since the cache saw it is skipped: its own event brings it
      // back if it still waits.
      results = await this.deps.store.updateEach('replica', writes, opts);
    } catch (err) {
      view.settle(placed, []);
      throw new Error(`placing ${plan.assignments.length} replicas of deployment ${name}`, { cause: err });
    }
    view.settle(
      placed,
      placed.map((_, i) => {
        const result = results[i];
        return result && !(result instanceof Error) ? metaOf(result).resourceVersion : undefined;
      }),
    );
    if (plan.assignments.length > 0) {
      this.deps.logger.info({ deployment: name, placed: plan.assignments.length, unplaceable: plan.unplaceable.length }, 'replicas placed');
    }
    return plan.unplaceable.length > 0 ? { requeueAfter: this.retryMs } : undefined;
  }
}

/**
 * The replicas waiting for a cell, by deployment, kept from the replica events (and, once, from
 * the cache at a term's first look): which deployments a freed GPU or a new node may help, found
 * without a scan of the fleet per event.
 */
class WaitingReplicas {
  private readonly byDeployment = new Map<string, Set<string>>();
  private readonly deploymentOf = new Map<string, string>();
  private seeded = false;

  constructor(private readonly replicas: Informer<'replica'>) {}

  /** Files a replica's new state by its id (`<deployment>/<replica>`; undefined: gone). */
  observe(key: string, replica: Replica | undefined): void {
    const before = this.deploymentOf.get(key);
    if (before !== undefined) {
      const keys = this.byDeployment.get(before);
      keys?.delete(key);
      if (keys?.size === 0) this.byDeployment.delete(before);
      this.deploymentOf.delete(key);
    }
    if (!replica || !awaitsCell(replica)) return;
    const deployment = replica.spec?.deployment ?? '';
    let keys = this.byDeployment.get(deployment);
    if (!keys) this.byDeployment.set(deployment, (keys = new Set()));
    keys.add(key);
    this.deploymentOf.set(key, deployment);
  }

  /** Deployments with replicas waiting for a cell. */
  deployments(): string[] {
    if (!this.seeded) {
      // The informers outlive terms: what they held before this term sent no event to it.
      this.seeded = true;
      for (const replica of this.replicas.list()) if (awaitsCell(replica)) this.observe(replicaId(replica), replica);
    }
    return [...this.byDeployment.keys()];
  }
}

/** A replica that stays without a cell, saying why; nothing when it says so already. */
function explained({ replica, reason, message }: Unplaceable): Replica[] {
  if (replica.status?.reason === reason && replica.status.message === message) return [];
  return [Replica.fromPartial({ ...replica, status: { ...replica.status, reason, message } })];
}

/** Tells whether a replica event gives GPUs back: deleted, failed or terminating, or unbound from a node. */
function freesCapacity(type: 'added' | 'modified' | 'deleted', replica: Replica, previous: Replica | undefined): boolean {
  if (type === 'deleted') return true;
  const phase = replica.status?.phase;
  if (phase === ReplicaPhase.REPLICA_PHASE_FAILED || phase === ReplicaPhase.REPLICA_PHASE_TERMINATING) return previous?.status?.phase !== phase;
  return previous !== undefined && isBound(previous) && !isBound(replica);
}
