/** How many replicas of a deployment serve from `at` until the next sample. */
export interface ServingSample {
  at: number;
  serving: number;
}

/**
 * The first time at or after `from` (ms) that `want` replicas serve again, or undefined when the
 * samples never get there. The sample in force at `from` counts: a deployment already whole then
 * is restored at `from`.
 *
 * Example: samples [{0, 4}, {100, 2}, {900, 3}, {1500, 4}], from 400, want 4 -> 1500.
 */
export function restoredAt(samples: readonly ServingSample[], from: number, want: number): number | undefined {
  let current: ServingSample | undefined;
  for (const sample of samples) {
    if (sample.at <= from) {
      current = sample;
      continue;
    }
    if (current && current.serving >= want) return from;
    current = undefined;
    if (sample.serving >= want) return sample.at;
  }
  return current && current.serving >= want ? from : undefined;
}

/**
 * The fewest replicas serving at any time in [from, to] (ms), counting the sample in force at
 * `from`; undefined when no sample covers the window.
 *
 * Example: samples [{0, 4}, {100, 2}, {900, 4}], from 50, to 1000 -> 2; from 950 -> 4.
 */
export function minServing(samples: readonly ServingSample[], from: number, to: number): number | undefined {
  let min: number | undefined;
  let current: ServingSample | undefined;
  for (const sample of samples) {
    if (sample.at <= from) current = sample;
    else if (sample.at <= to) min = Math.min(min ?? Infinity, sample.serving);
  }
  if (current) min = Math.min(min ?? Infinity, current.serving);
  return min;
}
