import { Tier, type Node, type NodePool } from '@helios/api';
import { REPLICA_REASONS } from '@helios/replica-lifecycle';
import { BinSet, compareText, isSchedulable, isServing, PoolOfferings, type Bin, type GpuHoldings, type GpuRequest } from '@helios/scheduling';

/** A serving node, or one the plan adds, as a bin of free GPUs. */
interface NodeSlot extends Bin {
  readonly pool: string;
  /** Ready now (rather than Provisioning or planned). */
  readonly ready: boolean;
  /** Has bound replicas: it cannot be removed. */
  readonly busy: boolean;
  /** The plan needs it: busy, given a waiting replica, kept for headroom, or added. */
  kept: boolean;
}

/** One pool of the cell as the plan sees it. */
interface PoolState {
  readonly pool: NodePool;
  /** Not in CapacityUnavailable backoff: it may be asked for more nodes. */
  readonly available: boolean;
  /** Serving nodes now: Ready and uncordoned, or Provisioning. */
  serving: number;
  /** Serving nodes with no bound replica. */
  idle: number;
  /** Nodes the plan adds. */
  added: number;
}

/** What one pool's nodes come to once the cell is planned. */
export interface PoolTally {
  pool: NodePool;
  available: boolean;
  serving: number;
  idle: number;
  /** Nodes the plan needs: busy ones, idle ones it kept, and added ones. */
  needed: number;
  added: number;
}

/**
 * Why a waiting replica got no capacity: no pool of the cell offers its GPU type and tier on nodes
 * big enough; every such pool is in CapacityUnavailable backoff; or they are all at max.
 */
export type UnmetReason = typeof REPLICA_REASONS.noMatchingPool | typeof REPLICA_REASONS.capacityUnavailable | typeof REPLICA_REASONS.poolsAtMax;

/** Keep order for idle nodes: scale-down removes preemptible first, then on-demand, reserved last. */
const KEEP_RANK: ReadonlyMap<Tier, number> = new Map([
  [Tier.TIER_RESERVED, 0],
  [Tier.TIER_ON_DEMAND, 1],
  [Tier.TIER_PREEMPTIBLE, 2],
]);

/**
 * The capacity of one cell as the planner simulates it: every serving node is a bin of free GPUs,
 * busy nodes are needed from the start, and the plan marks more as needed while it fits waiting
 * replicas and headroom, adding nodes to pools (cheapest first, up to max) when nothing fits.
 */
export class CellCapacity {
  private readonly bins = new BinSet<NodeSlot>();
  private readonly pools = new Map<string, PoolState>();
  private readonly demand = new Map<string, number>();

  private constructor(
    readonly cell: string,
    private readonly offerings: PoolOfferings,
  ) {}

  /**
   * Builds a cell's simulation from its pools, nodes and the GPUs replicas hold. Nodes not in one of
   * the cell's pools still take waiting replicas (the binder would use them) but belong to no plan.
   */
  static build(cell: string, snapshot: { pools: readonly NodePool[]; nodes: readonly Node[]; holdings: GpuHoldings; now: Date; backoffSeconds: number }): CellCapacity {
    const cellPools = PoolOfferings.of(snapshot.pools).inCell(cell);
    const capacity = new CellCapacity(cell, cellPools);
    const available = new Set(cellPools.available(snapshot.now, snapshot.backoffSeconds).pools);
    for (const pool of cellPools.pools) {
      capacity.pools.set(pool.metadata?.name ?? '', { pool, available: available.has(pool), serving: 0, idle: 0, added: 0 });
    }
    for (const node of snapshot.nodes) {
      if (node.spec?.cell !== cell || !isServing(node)) continue;
      const name = node.metadata?.name ?? '';
      const state = capacity.pools.get(node.spec.pool);
      const poolSpec = state?.pool.spec;
      const busy = snapshot.holdings.isBusy(cell, name);
      const ready = isSchedulable(node);
      const size = node.spec.gpus || poolSpec?.gpusPerNode || 0;
      const free = ready ? snapshot.holdings.freeIndices(node).length : Math.max(0, size - snapshot.holdings.heldGpus(cell, name));
      const gpuType = node.spec.gpuType || poolSpec?.gpuType || '';
      capacity.bins.add({
        id: name,
        pool: state ? node.spec.pool : '',
        gpuType,
        tier: node.spec.tier || poolSpec?.tier || Tier.TIER_UNSPECIFIED,
        free,
        ready,
        busy,
        kept: busy,
      });
      if (busy) capacity.addDemand(gpuType, snapshot.holdings.heldGpus(cell, name));
      if (state) {
        state.serving += 1;
        if (!busy) state.idle += 1;
      }
    }
    // A pool below min will get those nodes anyway, so waiting replicas may as well count on them.
    for (const pool of cellPools.cheapestFirst()) {
      while (capacity.room(pool) > 0 && capacity.state(pool).serving + capacity.state(pool).added < (pool.spec?.min ?? 0)) capacity.add(pool);
    }
    return capacity;
  }

  /**
   * Fits a replica placed in the cell but not bound yet, as the binder will: best fit on a serving
   * node of its type and tiers, else on a new node of the cheapest available pool with room.
   * Returns the reason when it fits nowhere.
   */
  fit(request: GpuRequest, tiers: readonly Tier[]): UnmetReason | undefined {
    const bin = this.bins.bestFit(request.gpus, request.gpuType, tiers);
    if (bin) {
      this.bins.take(bin, request.gpus);
      bin.kept = true;
      this.addDemand(bin.gpuType, request.gpus);
      return undefined;
    }
    const candidates = this.offerings.ofGpuType(request.gpuType).ofTiers(tiers).fitting(request.gpus);
    const pool = candidates.cheapestFirst().find((p) => this.room(p) > 0);
    if (!pool) {
      if (candidates.pools.length === 0) return REPLICA_REASONS.noMatchingPool;
      return candidates.pools.some((p) => this.state(p).available) ? REPLICA_REASONS.poolsAtMax : REPLICA_REASONS.capacityUnavailable;
    }
    const added = this.add(pool);
    this.bins.take(added, request.gpus);
    this.addDemand(added.gpuType, request.gpus);
    return undefined;
  }

  /** GPU types this cell has pools of, sorted. */
  gpuTypes(): string[] {
    return [...new Set(this.offerings.pools.map((pool) => pool.spec?.gpuType ?? ''))].sort(compareText);
  }

  /** GPUs of `gpuType` the cell's replicas hold or were fitted with so far. */
  demandGpus(gpuType: string): number {
    return this.demand.get(gpuType) ?? 0;
  }

  /**
   * Makes sure `gpus` GPUs of `gpuType` stay free on needed nodes of `tiers`: first by keeping idle
   * nodes (reserved, then on-demand, then preemptible, so scale-down takes preemptible first; Ready
   * before Provisioning; the emptiest first), then by adding nodes to the cheapest available pools,
   * ceil(shortfall / gpusPerNode) at a time. Returns the GPUs it could not find room for.
   *
   *   want 12 free; needed nodes have 3 free; idle on-demand node (8) kept -> 11; then one
   *   8-GPU node added from the cheapest pool with room -> 19 free
   */
  keepFree(gpuType: string, gpus: number, tiers: readonly Tier[]): number {
    const all = [...this.bins].filter((bin) => bin.gpuType === gpuType && tiers.includes(bin.tier));
    let free = all.filter((bin) => bin.kept).reduce((sum, bin) => sum + bin.free, 0);
    const idle = all.filter((bin) => !bin.kept).sort(keepOrder);
    for (const bin of idle) {
      if (free >= gpus) break;
      bin.kept = true;
      free += bin.free;
    }
    for (const pool of this.offerings.ofGpuType(gpuType).ofTiers(tiers).cheapestFirst()) {
      const size = pool.spec?.gpusPerNode ?? 0;
      if (size <= 0) continue;
      const count = Math.min(this.room(pool), Math.ceil(Math.max(0, gpus - free) / size));
      for (let i = 0; i < count; i += 1) free += this.add(pool).free;
    }
    return Math.max(0, gpus - free);
  }

  /** Each pool's counts once the plan is made. */
  tallies(): PoolTally[] {
    const needed = new Map<string, number>();
    for (const bin of this.bins) if (bin.kept && bin.pool) needed.set(bin.pool, (needed.get(bin.pool) ?? 0) + 1);
    return [...this.pools.entries()].map(([name, state]) => ({
      pool: state.pool,
      available: state.available,
      serving: state.serving,
      idle: state.idle,
      needed: needed.get(name) ?? 0,
      added: state.added,
    }));
  }

  /** New nodes a pool may still add: none in backoff, else max minus serving and added nodes. */
  private room(pool: NodePool): number {
    const state = this.state(pool);
    return state.available ? Math.max(0, (pool.spec?.max ?? 0) - state.serving - state.added) : 0;
  }

  private add(pool: NodePool): NodeSlot {
    const state = this.state(pool);
    const name = pool.metadata?.name ?? '';
    state.added += 1;
    const bin: NodeSlot = {
      id: `${name}#new-${state.added}`,
      pool: name,
      gpuType: pool.spec?.gpuType ?? '',
      tier: pool.spec?.tier ?? Tier.TIER_UNSPECIFIED,
      free: pool.spec?.gpusPerNode ?? 0,
      ready: false,
      busy: false,
      kept: true,
    };
    this.bins.add(bin);
    return bin;
  }

  private state(pool: NodePool): PoolState {
    const state = this.pools.get(pool.metadata?.name ?? '');
    if (!state) throw new Error(`pool ${pool.metadata?.name} is not in cell ${this.cell}`);
    return state;
  }

  private addDemand(gpuType: string, gpus: number): void {
    this.demand.set(gpuType, (this.demand.get(gpuType) ?? 0) + gpus);
  }
}

function keepOrder(a: NodeSlot, b: NodeSlot): number {
  return (
    (KEEP_RANK.get(a.tier) ?? KEEP_RANK.size) - (KEEP_RANK.get(b.tier) ?? KEEP_RANK.size) ||
    Number(b.ready) - Number(a.ready) ||
    b.free - a.free ||
    compareText(a.id, b.id)
  );
}
