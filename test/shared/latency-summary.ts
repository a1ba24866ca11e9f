/** Percentiles of a set of durations, in seconds. */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/**
 * Nearest-rank percentiles: the p-th percentile of n sorted samples is the ceil(p * n)-th.
 *
 * Example: [1, 2, 3, 4] -> p50 2 (2nd of 4), p99 4 (ceil(3.96) = 4th), max 4. No samples -> nulls.
 */
export function summarizeLatencies(seconds: readonly number[]): LatencySummary {
  const sorted = [...seconds].sort((a, b) => a - b);
  const rank = (p: number) => (sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!);
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted.length === 0 ? null : sorted[sorted.length - 1]! };
}

/** Rounds to milliseconds for printing; null stays null. */
export function roundSeconds(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}
