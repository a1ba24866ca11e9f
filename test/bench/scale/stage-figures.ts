/** How fast the replicas reached one stage of their life (created, placed, bound, ready). */
export interface StageFigures {
  /** Replicas that reached it. */
  reached: number;
  /** Seconds from the start to the moment half of the wanted replicas had reached it. */
  halfSeconds: number | null;
  /** Seconds from the start to the moment every wanted replica had reached it; null if some never did. */
  allSeconds: number | null;
  /** Wanted replicas over allSeconds: the stage's throughput from the start. */
  perSecond: number | null;
}

/**
 * Times to half and to all of `want` replicas reaching a stage, from the moments (ms) each one
 * did, counted from `start` (ms, the first Apply). Rounded to ms and to whole replicas a second.
 *
 * Example: start 1000, reached at [1500, 5000, 2000, 3000], want 4 -> half (the 2nd) at 2000:
 * 1 s; all (the 4th) at 5000: 4 s; 4 / 4 s = 1 a second. With want 5 -> all and perSecond null.
 */
export function stageFigures(reachedAt: readonly number[], start: number, want: number): StageFigures {
  const sorted = [...reachedAt].sort((a, b) => a - b);
  const seconds = (nth: number) => (nth >= 1 && sorted.length >= nth ? Math.round(sorted[nth - 1]! - start) / 1000 : null);
  const allSeconds = seconds(want);
  return {
    reached: sorted.length,
    halfSeconds: seconds(Math.ceil(want / 2)),
    allSeconds,
    perSecond: allSeconds === null ? null : Math.round(want / Math.max(allSeconds, 0.001)),
  };
}

/**
 * How many replicas reached a stage in each window of `windowMs` after `start`: the shape of a
 * pipeline stage over time (a stage that trickles while the one before it bursts is the one
 * that waits).
 *
 * Example: start 0, reached at [100, 900, 1000, 3500], window 1000 -> [2, 1, 0, 1].
 */
export function perWindow(reachedAt: readonly number[], start: number, windowMs: number): number[] {
  const counts: number[] = [];
  for (const at of reachedAt) {
    const i = Math.max(0, Math.floor((at - start) / windowMs));
    while (counts.length <= i) counts.push(0);
    counts[i]!++;
  }
  return counts;
}
