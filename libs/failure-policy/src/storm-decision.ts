import { msUntilToken, refill, take, wholeTokens, type EvictionBucket, type EvictionRate } from './eviction-bucket';
import { largestSilentBurst } from './silent-burst';
import type { ResolvedStormSettings } from './storm-settings';

/** A node of the cell whose heartbeat is gone. */
export interface SilentNode {
  node: string;
  /** When its heartbeat went, in ms on the caller's clock. */
  since: number;
  /** True while replicas bound to it still wait to be failed. */
  awaitingEviction: boolean;
}

/** What the limiter needs to know about one cell, at one moment. */
export interface CellSnapshot {
  cell: string;
  /** Nodes of the cell that hold or held a heartbeat (Ready, NotReady, Draining), silent ones included. */
  nodes: number;
  silent: readonly SilentNode[];
}

/** The limiter's verdict on one cell. */
export interface CellEvictionPlan {
  cell: string;
  /** True when a large share of the cell went silent at once: a partition, not hardware. */
  degraded: boolean;
  nodes: number;
  /** Silent nodes, whatever their eviction state. */
  silent: number;
  /** The most silent nodes that went quiet within one storm window. */
  silentInWindow: number;
  /** Nodes whose replicas may be failed now, oldest silence first. */
  evictNow: string[];
  /** Nodes awaiting eviction that must wait (not settled yet, or rate-limited). */
  waiting: string[];
  /** Ms until the first of `waiting` may go; undefined when nothing waits or only an event can free it. */
  retryAfterMs: number | undefined;
  /** The bucket after this plan's evictions: keep it for the next decision on this cell. */
  bucket: EvictionBucket;
  /** One line for the cell's Degraded condition and logs. */
  message: string;
}

/**
 * Decides, for one cell, whether it is Degraded and which silent nodes may have their replicas
 * evicted now. Pure: takes the cell's silences, the bucket left by the previous decision and
 * the time; returns the plan and the next bucket.
 *
 * Degraded: the cell has at least `minCellNodes` nodes, and at least `stormFraction` of them went
 * silent within one `stormWindowMs` (counting the nodes silent now, so the cell stays Degraded
 * while they stay away and recovers as they come back). A silent node is evicted only after
 * `settleMs`, so a storm shows itself before the first eviction; then at the cell's rate: a
 * healthy cell's (default unlimited) or a Degraded cell's (default one node every 10 s).
 *
 * Example with the defaults (50 %, 10 s window, settle 2 s, Degraded 0.1/s burst 1): a cell of
 * 10 nodes, 6 silent since 0.0-0.5 s.
 * - at 1.0 s: Degraded (6 >= 5), nothing settled, retry in 1,000 ms;
 * - at 2.5 s: evict the oldest one; 5 wait; retry in 10,000 ms;
 * - at 12.5 s: evict one more; 4 wait.
 * The same cell with only 2 silent since 0 s is healthy: both are evicted at 2 s.
 */
export function planCellEvictions(snapshot: CellSnapshot, bucket: EvictionBucket | undefined, now: number, settings: ResolvedStormSettings): CellEvictionPlan {
  const { cell, nodes, silent } = snapshot;
  const silentInWindow = largestSilentBurst(
    silent.map((s) => s.since),
    settings.stormWindowMs,
  );
  // ceil with a little slack: 0.55 * 20 is 11.000000000000002 in floating point, and must read as 11.
  const threshold = Math.max(1, Math.ceil(settings.stormFraction * nodes - 1e-9));
  const degraded = nodes >= settings.minCellNodes && silentInWindow >= threshold;
  const rate: EvictionRate = degraded
    ? { perSecond: settings.degradedEvictionsPerSecond, burst: settings.degradedEvictionBurst }
    : { perSecond: settings.evictionsPerSecond, burst: settings.evictionBurst };

  const candidates = silent.filter((s) => s.awaitingEviction).sort((a, b) => a.since - b.since || a.node.localeCompare(b.node));
  const settled = candidates.filter((s) => now - s.since >= settings.settleMs);
  const unsettled = candidates.filter((s) => now - s.since < settings.settleMs);

  let next = refill(bucket, now, rate);
  const count = Math.min(settled.length, wholeTokens(next));
  next = take(next, count);
  const evictNow = settled.slice(0, count).map((s) => s.node);
  const limited = settled.slice(count);

  const delays: number[] = unsettled.map((s) => s.since + settings.settleMs - now);
  if (limited.length > 0) delays.push(msUntilToken(next, rate));
  const soonest = Math.min(...delays);
  const retryAfterMs = delays.length > 0 && Number.isFinite(soonest) ? Math.max(1, soonest) : undefined;

  const message = degraded
    ? `${silentInWindow} of ${nodes} nodes went silent within ${settings.stormWindowMs / 1000} s; evicting at most ${formatRate(rate)}`
    : `${silent.length} of ${nodes} nodes silent`;
  return {
    cell,
    degraded,
    nodes,
    silent: silent.length,
    silentInWindow,
    evictNow,
    waiting: [...limited, ...unsettled].map((s) => s.node),
    retryAfterMs,
    bucket: next,
    message,
  };
}

function formatRate(rate: EvictionRate): string {
  if (!Number.isFinite(rate.perSecond)) return 'any number of nodes at once';
  if (rate.perSecond === 0) return 'no node until it recovers';
  return `${rate.burst} node${rate.burst === 1 ? '' : 's'} at once, then one every ${+(1 / rate.perSecond).toFixed(1)} s`;
}
