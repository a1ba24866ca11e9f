/** One pick of {@link nextInTurn}: the endpoint chosen (if any) and where the next turn starts. */
export interface Turn<T> {
  choice: T | undefined;
  cursor: number;
}

/**
 * Round-robin with exclusions: starting at `cursor`, the first endpoint whose key is not in
 * `tried`; the cursor then moves past it, so the next call starts at the following endpoint.
 * The cursor is taken modulo the current length, so the set may grow or shrink between calls.
 *
 * Worked example over [a, b, c]: cursor 0 -> a (cursor 1), then b (2), then c (0), then a.
 * With `tried` {b} and cursor 1 -> c (cursor 0): a retry skips the endpoint that just failed.
 * With every key tried -> no choice, cursor unchanged. After the set shrinks to [a, c] with
 * cursor 2 -> a (2 mod 2 = 0; cursor 1).
 */
export function nextInTurn<T>(endpoints: readonly T[], cursor: number, key: (e: T) => string, tried: ReadonlySet<string> = new Set()): Turn<T> {
  const n = endpoints.length;
  for (let step = 0; step < n; step++) {
    const index = (cursor + step) % n;
    const candidate = endpoints[index]!;
    if (!tried.has(key(candidate))) return { choice: candidate, cursor: (index + 1) % n };
  }
  return { choice: undefined, cursor: n === 0 ? 0 : cursor % n };
}
