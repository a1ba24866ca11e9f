import { Replica, ReplicaPhase, ReplicaStatus, type Cell, type Deployment, type Node, type NodePool } from '@helios/api';
import type { AssumedWrites } from '@helios/controller-runtime';
import { isDemanding } from '@helios/replica-lifecycle';
import { CellInventory, placeOnInventories, replicaId, type Assignment, type PlacementPlan } from '@helios/scheduling';


/** What cell placement reads from its caches (the shared informers and their indexes). */
export interface PlacementCache {
  /** The revision the replica cache is up to date with. */
  readonly revision: number;
  /** The replicas of one deployment. */
  replicasOf(deployment: string): readonly Replica[];
  /** The replicas placed in one cell. */
  replicasIn(cell: string): readonly Replica[];
  nodesIn(cell: string): readonly Node[];
  poolsIn(cell: string): readonly NodePool[];
}

interface Kept {
  inventory: CellInventory;
  /** ms since the epoch past which the inventory must be built again (a backoff ends). */
  validUntil: number;
}

/**
 * The fleet as cell placement decides on it: the caches, with the placements it has made but the
 * caches do not show yet laid over them (AssumedWrites, by cell), so two deployments placed one after
 * the other never count the same free GPUs. Each cell's inventory is built once and kept while
 * nothing that decides it changes (the controller calls `invalidate` for such events); a plan's
 * choices are committed into the kept inventory, which then already holds the placements assumed
 * since it was built. A reconcile thus costs its own deployment and the candidate cells, not the
 * fleet.
 */
export class PlacementView {
  private readonly kept = new Map<string, Kept>();

  constructor(
    private readonly cache: PlacementCache,
    readonly assumed: AssumedWrites<Replica>,
    private readonly options: { now: () => number; capacityUnavailableBackoffSeconds: number },
  ) {}

  /** Drops the assumptions the replica cache has caught up with. */
  prune(): void {
    this.assumed.prune(this.cache.revision);
  }

  /** The deployment's replicas that count (demanding), each in its assumed state where it has one. */
  own(deployment: string): Replica[] {
    return this.cache
      .replicasOf(deployment)
      .map((replica) => this.assumed.get(replicaId(replica)) ?? replica)
      .filter(isDemanding);
  }

  /**
   * The inventory of `cell`: kept, or built from the replicas the cache holds there and those
   * assumed placed there (an assumed one in its assumed state only, so it counts once).
   */
  inventory(cell: string): CellInventory {
    const now = this.options.now();
    const kept = this.kept.get(cell);
    if (kept && now < kept.validUntil) return kept.inventory;
    const replicas = this.cache.replicasIn(cell).filter((replica) => !this.assumed.get(replicaId(replica)));
    const inventory = CellInventory.of(cell, {
      pools: this.cache.poolsIn(cell),
      nodes: this.cache.nodesIn(cell),
      replicas: [...replicas, ...this.assumed.inGroup(cell)],
      now: new Date(now),
      capacityUnavailableBackoffSeconds: this.options.capacityUnavailableBackoffSeconds,
    });
    this.kept.set(cell, { inventory, validUntil: inventory.validUntil?.getTime() ?? Number.POSITIVE_INFINITY });
    return inventory;
  }

  /**
   * Decides the placement of a deployment's waiting replicas on this view, and assumes each
   * assignment at once (nothing awaits in between), so a deployment planned while these writes
   * are in flight already counts their GPUs taken. Returns the plan and the placed replicas to
   * write; report what became of each write with `settle`.
   */
  plan(deployment: Deployment, cells: readonly Cell[]): { plan: PlacementPlan; placed: Replica[] } {
    this.prune();
    const name = deployment.metadata?.name ?? '';
    const plan = placeOnInventories({ deployment, own: this.own(name), cells, inventoryOf: (cell) => this.inventory(cell) });
    const placed = plan.assignments.map(assigned);
    for (const replica of placed) this.assumed.assume(replicaId(replica), replica);
    return { plan, placed };
  }

  /**
   * Records the outcome of each placement write, in order: the revision it took effect at (it
   * stays assumed until the cache reaches that), or undefined when it was refused or failed (it
   * is forgotten at once).
   */
  settle(placed: readonly Replica[], revisions: readonly (number | undefined)[]): void {
    placed.forEach((replica, i) => {
      const revision = revisions[i];
      if (revision === undefined) this.forget(replicaId(replica));
      else this.assumed.written(replicaId(replica), revision);
    });
  }

  /** Something that decides the cell's capacity changed: its inventory is built again when next asked for. */
  invalidate(cell: string | undefined): void {
    if (cell) this.kept.delete(cell);
  }

  /** A placement's write was refused or failed: it takes nothing, in the assumptions or the kept inventory. */
  forget(id: string): void {
    this.invalidate(this.assumed.forget(id)?.spec?.cell);
  }

  /** Forgets every kept inventory and assumption (a new term). */
  clear(): void {
    this.kept.clear();
    this.assumed.clear();
  }
}

/** A replica with the cell and tier it was given, its wait reason cleared. */
function assigned({ replica, cell, tier }: Assignment): Replica {
  const status = ReplicaStatus.fromPartial({ ...replica.status, phase: replica.status?.phase || ReplicaPhase.REPLICA_PHASE_PENDING, reason: '', message: '' });
  return Replica.fromPartial({ ...replica, spec: { ...replica.spec, cell, tier }, status });
}
