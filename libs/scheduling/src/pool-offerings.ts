import { canonicalJson, type NodePool, type Tier } from '@helios/api';
import { POOL_CONDITIONS } from '@helios/replica-lifecycle';
import { capacityUnavailable, DEFAULT_CAPACITY_BACKOFF_SECONDS } from './capacity-unavailable';
import { compareText } from './replica-state';
import { tierRank } from './tiers';

/** Identifies a pool across cells: `<cell>/<pool>` (pool names are unique per cell only). */
export function poolKey(cell: string, pool: string): string {
  return `${cell}/${pool}`;
}

/**
 * Prices one GPU-hour of a pool from its node price. An unset price (0, "the provider's default")
 * is unknown here and reads as Infinity, so a pool with a known price is preferred within its tier.
 *
 *   8-GPU node at $32/h -> $4 per GPU-hour
 */
export function pricePerGpu(pool: NodePool): number {
  const price = pool.spec?.hourlyPrice ?? 0;
  const gpus = pool.spec?.gpusPerNode ?? 0;
  return price > 0 && gpus > 0 ? price / gpus : Number.POSITIVE_INFINITY;
}

/**
 * Tells whether two states of a pool offer the same capacity to placement and the planner: the
 * same spec, desired count, last scale-up and CapacityUnavailable condition. The cell agent's
 * reports of members and GPUs (written as replicas bind) change none of these, and need not wake
 * either.
 */
export function sameOffer(a: NodePool, b: NodePool): boolean {
  const unavailable = (p: NodePool) => p.status?.conditions.find((c) => c.type === POOL_CONDITIONS.capacityUnavailable);
  return (
    canonicalJson(a.spec ?? {}) === canonicalJson(b.spec ?? {}) &&
    (a.status?.desired ?? 0) === (b.status?.desired ?? 0) &&
    (a.status?.lastScaleUpTime ?? '') === (b.status?.lastScaleUpTime ?? '') &&
    canonicalJson(unavailable(a) ?? {}) === canonicalJson(unavailable(b) ?? {})
  );
}

/**
 * Compares pools by cost: tier first (reserved, preemptible, on-demand), then price per GPU, then
 * cell and name so the order is the same on every run.
 */
export function byCost(a: NodePool, b: NodePool): number {
  const tiers = tierRank(a.spec?.tier ?? 0) - tierRank(b.spec?.tier ?? 0);
  if (tiers !== 0) return tiers;
  const pa = pricePerGpu(a);
  const pb = pricePerGpu(b);
  if (pa !== pb) return pa < pb ? -1 : 1;
  return compareText(a.spec?.cell ?? '', b.spec?.cell ?? '') || compareText(a.metadata?.name ?? '', b.metadata?.name ?? '');
}

/**
 * A set of node pools narrowed step by step to the ones that can take a request, then ordered by
 * cost: `PoolOfferings.of(pools).inCell('east').ofGpuType('h100').fitting(4).available(now).cheapest()`.
 */
export class PoolOfferings {
  private constructor(readonly pools: readonly NodePool[]) {}

  /** Wraps a list of pools. */
  static of(pools: readonly NodePool[]): PoolOfferings {
    return new PoolOfferings(pools);
  }

  /** Keeps the pools of one cell. */
  inCell(cell: string): PoolOfferings {
    return this.where((pool) => pool.spec?.cell === cell);
  }

  /** Keeps the pools of one GPU type; `''` keeps all. */
  ofGpuType(gpuType: string): PoolOfferings {
    return gpuType === '' ? this : this.where((pool) => pool.spec?.gpuType === gpuType);
  }

  /** Keeps the pools of the given tiers. */
  ofTiers(tiers: readonly Tier[]): PoolOfferings {
    return this.where((pool) => tiers.includes(pool.spec?.tier ?? 0));
  }

  /** Keeps the pools whose nodes each hold at least `gpus` GPUs: a replica never spans nodes. */
  fitting(gpus: number): PoolOfferings {
    return this.where((pool) => (pool.spec?.gpusPerNode ?? 0) >= gpus);
  }

  /** Drops the pools marked CapacityUnavailable that are still inside their backoff. */
  available(now?: Date, backoffSeconds = DEFAULT_CAPACITY_BACKOFF_SECONDS): PoolOfferings {
    return this.where((pool) => !capacityUnavailable(pool, now, backoffSeconds));
  }

  /** The pools, cheapest first (see byCost). */
  cheapestFirst(): NodePool[] {
    return [...this.pools].sort(byCost);
  }

  /** The cheapest pool, or undefined when none is left. */
  cheapest(): NodePool | undefined {
    return this.cheapestFirst()[0];
  }

  private where(keep: (pool: NodePool) => boolean): PoolOfferings {
    return new PoolOfferings(this.pools.filter(keep));
  }
}
