/**
 * Picks the known word a person most likely meant by an unknown one, or undefined.
 *
 * A candidate qualifies when it equals the word ignoring case, when one starts with the other
 * (at least 3 letters shared: `minNode` -> `min`), or when its edit distance is at most a third of
 * the longer word, and at least 1 (`gpuTyp` -> `gpuType`: 1 <= 7/3; `Pod` -> `Node`: 2 > 4/3, so no).
 * The closest wins; ties go to the earlier candidate, so callers list candidates in schema order.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const distance = editDistance(w, c);
    const prefix = Math.min(w.length, c.length) >= 3 && (w.startsWith(c) || c.startsWith(w));
    if (!prefix && distance > Math.max(1, Math.floor(Math.max(w.length, c.length) / 3))) continue;
    if (!best || distance < best.score) best = { candidate, score: distance };
  }
  return best?.candidate;
}

/**
 * Levenshtein distance with adjacent transpositions counted as one edit (optimal string alignment),
 * because swapped letters are the commonest typo: `replcias` -> `replicas` is 1, not 2.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
