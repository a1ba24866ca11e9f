import { Tier, type Node, type NodePool, type Replica } from '@helios/api';
import { awaitsNode } from '@helios/replica-lifecycle';
import { BinSet, type Bin } from './bin-set';
import { capacityUnavailableUntil } from './capacity-unavailable';
import { GpuHoldings } from './gpu-holdings';
import { isSchedulable, isServing } from './node-eligibility';
import { PoolOfferings, pricePerGpu } from './pool-offerings';
import { bindingOrder, gpuRequest, type GpuRequest } from './replica-state';
import { ANY_TIER } from './tiers';

/** A node as cell placement sees it: existing, launching, or one a pool could still add. */
interface CapacityBin extends Bin {
  readonly pricePerGpu: number;
}

/**
 * One way to fit a replica into a cell: GPUs free on a Ready node now (`free`), or capacity that is
 * launching or that a pool can still add (`add`).
 */
export interface CellOption {
  readonly cell: string;
  readonly tier: Tier;
  readonly source: 'free' | 'add';
  readonly pricePerGpu: number;
  /** GPUs left on the node after the replica; smaller packs tighter. */
  readonly leftover: number;
  readonly bin?: CapacityBin;
  readonly pool?: NodePool;
}

/** What CellInventory.of builds one cell's inventory from. */
export interface CellSnapshot {
  /** Pools and nodes; those of other cells are ignored. */
  pools: readonly NodePool[];
  nodes: readonly Node[];
  /** The replicas placed in the cell that count (see demandingReplicas): bound ones hold GPUs, waiting ones are fitted in. */
  replicas: readonly Replica[];
  now?: Date;
  capacityUnavailableBackoffSeconds?: number;
}

/** What a cell inventory is built from. */
export interface InventorySnapshot {
  pools: readonly NodePool[];
  nodes: readonly Node[];
  holdings: GpuHoldings;
  now?: Date;
  capacityUnavailableBackoffSeconds?: number;
}

/**
 * A simulation of one cell's GPU capacity for cell placement: which nodes have free GPUs, which are
 * on their way, and how many more nodes each pool may still add.
 *
 * Built from a snapshot in three steps:
 *   1. Ready, uncordoned nodes are `free` bins holding their unheld healthy GPUs.
 *   2. Provisioning nodes, and launches a pool has asked for that have no node yet
 *      (desired - serving nodes), are `coming` bins; a pool may add max - max(desired, serving) more.
 *      Pools in CapacityUnavailable backoff launch nothing, so they add neither.
 *   3. Replicas already placed in the cell but not yet bound are fitted in (absorb) the way the
 *      cell agent and the planner will fit them, so two deployments never count on the same GPUs.
 */
export class CellInventory {
  private readonly free = new BinSet<CapacityBin>();
  private readonly coming = new BinSet<CapacityBin>();
  /** New nodes each available pool may still add, by pool name. */
  private readonly slots = new Map<string, number>();
  private readonly available: PoolOfferings;
  private planned = 0;
  private backoffEnds: Date | undefined;

  private constructor(
    readonly cell: string,
    pools: readonly NodePool[],
  ) {
    this.available = PoolOfferings.of(pools);
  }

  /**
   * Builds the inventory of `cell` with the replicas already placed there taken out: the GPUs
   * bound replicas hold, then those waiting for a node fitted in the way the cell agent will fit
   * them (binding order). The same for any order of `replicas`.
   */
  static of(cell: string, snapshot: CellSnapshot): CellInventory {
    const inCell = snapshot.replicas.filter((replica) => replica.spec?.cell === cell);
    const inventory = CellInventory.build(cell, { ...snapshot, holdings: GpuHoldings.of(inCell) });
    const waiting = inCell
      .filter(awaitsNode)
      .map((replica) => ({ replica, request: gpuRequest(replica) }))
      .sort(bindingOrder);
    for (const { replica, request } of waiting) inventory.absorb(request, replica.spec?.tier ? [replica.spec.tier] : ANY_TIER);
    return inventory;
  }

  /**
   * When the inventory may change with no change to its inputs: the first end of a
   * CapacityUnavailable backoff among the cell's pools (the pool is offered again then).
   * Undefined when no backoff runs. A kept inventory is built again once this has passed.
   */
  get validUntil(): Date | undefined {
    return this.backoffEnds;
  }

  /** Builds the inventory of `cell` from a snapshot of pools, nodes and GPU holdings. */
  static build(cell: string, snapshot: InventorySnapshot): CellInventory {
    const cellPools = PoolOfferings.of(snapshot.pools).inCell(cell);
    const available = cellPools.available(snapshot.now, snapshot.capacityUnavailableBackoffSeconds);
    const inventory = new CellInventory(cell, available.pools);
    inventory.backoffEnds = earliest(cellPools.pools.map((pool) => capacityUnavailableUntil(pool, snapshot.now, snapshot.capacityUnavailableBackoffSeconds)));
    const poolByName = new Map(cellPools.pools.map((pool) => [pool.metadata?.name ?? '', pool]));
    const serving = new Map<string, number>();

    for (const node of snapshot.nodes) {
      if (node.spec?.cell !== cell) continue;
      const name = node.metadata?.name ?? '';
      const pool = poolByName.get(node.spec.pool);
      const bin = {
        id: name,
        gpuType: node.spec.gpuType || pool?.spec?.gpuType || '',
        tier: node.spec.tier || pool?.spec?.tier || Tier.TIER_UNSPECIFIED,
        pricePerGpu: pool ? pricePerGpu(pool) : Number.POSITIVE_INFINITY,
      };
      if (isServing(node)) serving.set(node.spec.pool, (serving.get(node.spec.pool) ?? 0) + 1);
      if (isSchedulable(node)) {
        inventory.free.add({ ...bin, free: snapshot.holdings.freeIndices(node).length });
      } else if (isServing(node)) {
        const size = node.spec.gpus || pool?.spec?.gpusPerNode || 0;
        inventory.coming.add({ ...bin, free: Math.max(0, size - snapshot.holdings.heldGpus(cell, name)) });
      }
    }

    for (const pool of available.cheapestFirst()) {
      const name = pool.metadata?.name ?? '';
      const spec = pool.spec;
      const max = Math.max(0, spec?.max ?? 0);
      const planned = Math.min(max, Math.max(pool.status?.desired ?? 0, spec?.min ?? 0));
      const current = serving.get(name) ?? 0;
      for (let i = current; i < planned; i += 1) inventory.coming.add(inventory.plannedBin(pool, `${name}#launching-${i}`));
      inventory.slots.set(name, Math.max(0, max - Math.max(planned, current)));
    }
    return inventory;
  }

  /**
   * Fits a replica already placed here but not bound yet, as the cell agent would: best fit on a
   * free node, else on a coming node, else on a node the cheapest pool adds. Returns false when it
   * fits nowhere (it waits for capacity, holding none).
   */
  absorb(request: GpuRequest, tiers: readonly Tier[]): boolean {
    const free = this.free.bestFit(request.gpus, request.gpuType, tiers);
    if (free) {
      this.free.take(free, request.gpus);
      return true;
    }
    const option = this.addOption(request, tiers);
    if (option) this.commit(option, request.gpus);
    return option !== undefined;
  }

  /**
   * The cheapest way to fit a replica on one of `tiers` (cheapest first): free GPUs on the first
   * tier that has them, else capacity that can be added on the first tier that can add it.
   */
  bestOption(request: GpuRequest, tiers: readonly Tier[]): CellOption | undefined {
    for (const tier of tiers) {
      const bin = this.free.bestFit(request.gpus, request.gpuType, [tier]);
      if (bin) return { cell: this.cell, tier, source: 'free', pricePerGpu: bin.pricePerGpu, leftover: bin.free - request.gpus, bin };
    }
    for (const tier of tiers) {
      const option = this.addOption(request, [tier]);
      if (option) return option;
    }
    return undefined;
  }

  /** Takes the GPUs of an option chosen for a replica of `gpus` GPUs. */
  commit(option: CellOption, gpus: number): void {
    if (option.bin) {
      (option.source === 'free' ? this.free : this.coming).take(option.bin, gpus);
      return;
    }
    if (!option.pool) throw new Error(`option in cell ${this.cell} has neither a node nor a pool`);
    const name = option.pool.metadata?.name ?? '';
    this.slots.set(name, (this.slots.get(name) ?? 0) - 1);
    const bin = this.plannedBin(option.pool, `${name}#planned-${this.planned++}`);
    this.coming.add(bin);
    this.coming.take(bin, gpus);
  }

  private addOption(request: GpuRequest, tiers: readonly Tier[]): CellOption | undefined {
    const bin = this.coming.bestFit(request.gpus, request.gpuType, tiers);
    if (bin) return { cell: this.cell, tier: bin.tier, source: 'add', pricePerGpu: bin.pricePerGpu, leftover: bin.free - request.gpus, bin };
    const pool = PoolOfferings.of(this.available.pools.filter((p) => (this.slots.get(p.metadata?.name ?? '') ?? 0) > 0))
      .ofGpuType(request.gpuType)
      .ofTiers(tiers)
      .fitting(request.gpus)
      .cheapest();
    if (!pool?.spec) return undefined;
    return { cell: this.cell, tier: pool.spec.tier, source: 'add', pricePerGpu: pricePerGpu(pool), leftover: pool.spec.gpusPerNode - request.gpus, pool };
  }

  private plannedBin(pool: NodePool, id: string): CapacityBin {
    return { id, gpuType: pool.spec?.gpuType ?? '', tier: pool.spec?.tier ?? Tier.TIER_UNSPECIFIED, free: pool.spec?.gpusPerNode ?? 0, pricePerGpu: pricePerGpu(pool) };
  }
}

function earliest(times: readonly (Date | undefined)[]): Date | undefined {
  let first: Date | undefined;
  for (const time of times) if (time && (!first || time < first)) first = time;
  return first;
}
