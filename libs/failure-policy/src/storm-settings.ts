/** Knobs of the failure-storm limiter; every one is optional (see resolveStormSettings for defaults). */
export interface StormSettings {
  /**
   * Share of a cell's nodes that must go silent within `stormWindowMs` of each other for the cell
   * to count as Degraded (a partition or a store problem rather than hardware). Default 0.5.
   */
  stormFraction?: number;
  /** Width of the window silences are grouped in, ms. Default 10,000. */
  stormWindowMs?: number;
  /**
   * Cells with fewer nodes are never Degraded: one dead node of two is half the cell, yet says
   * nothing about a partition. Default 3.
   */
  minCellNodes?: number;
  /**
   * How long a node must have been silent before its replicas may be evicted, ms. Leases of a
   * partitioned group expire over about one keep-alive interval plus etcd's 500 ms expiry tick,
   * so holding evictions this long lets a storm show itself before the first eviction. Default 2,000.
   */
  settleMs?: number;
  /** Node evictions per second in a healthy cell. Default unlimited (Infinity). */
  evictionsPerSecond?: number;
  /** Evictions a healthy cell may make at once. Default unlimited (Infinity). */
  evictionBurst?: number;
  /** Node evictions per second in a Degraded cell. Default 0.1 (one node every 10 s). */
  degradedEvictionsPerSecond?: number;
  /** Evictions a Degraded cell may make at once. Default 1. */
  degradedEvictionBurst?: number;
}

/** StormSettings with every default applied. */
export type ResolvedStormSettings = Required<StormSettings>;

/** The defaults, in one place. */
export const DEFAULT_STORM_SETTINGS: ResolvedStormSettings = {
  stormFraction: 0.5,
  stormWindowMs: 10_000,
  minCellNodes: 3,
  settleMs: 2_000,
  evictionsPerSecond: Number.POSITIVE_INFINITY,
  evictionBurst: Number.POSITIVE_INFINITY,
  degradedEvictionsPerSecond: 0.1,
  degradedEvictionBurst: 1,
};

/**
 * Applies the defaults; a fraction is clamped to (0, 1], negative numbers read as 0, and a burst
 * below 1 reads as 1 (a bucket that can never hold a whole token would never evict).
 */
export function resolveStormSettings(settings: StormSettings = {}): ResolvedStormSettings {
  const d = DEFAULT_STORM_SETTINGS;
  const nonNegative = (value: number | undefined, fallback: number) => (value === undefined || Number.isNaN(value) ? fallback : Math.max(0, value));
  return {
    stormFraction: Math.min(1, Math.max(Number.EPSILON, settings.stormFraction ?? d.stormFraction)),
    stormWindowMs: nonNegative(settings.stormWindowMs, d.stormWindowMs),
    minCellNodes: nonNegative(settings.minCellNodes, d.minCellNodes),
    settleMs: nonNegative(settings.settleMs, d.settleMs),
    evictionsPerSecond: nonNegative(settings.evictionsPerSecond, d.evictionsPerSecond),
    evictionBurst: Math.max(1, nonNegative(settings.evictionBurst, d.evictionBurst)),
    degradedEvictionsPerSecond: nonNegative(settings.degradedEvictionsPerSecond, d.degradedEvictionsPerSecond),
    degradedEvictionBurst: Math.max(1, nonNegative(settings.degradedEvictionBurst, d.degradedEvictionBurst)),
  };
}
