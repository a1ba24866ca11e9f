/**
 * The largest number of silences that fall within one window of `windowMs` (both ends
 * inclusive): how many nodes went quiet "at once". Order of `times` does not matter.
 *
 * Example: silences at 0, 1, 2, 3, 4, 5 s and 30 s with a 10 s window -> 6 (the first six lie
 * within 5 s of each other; 30 s is alone). At 0, 6, 12, 18 s with a 10 s window -> 2.
 */
export function largestSilentBurst(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! > windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
