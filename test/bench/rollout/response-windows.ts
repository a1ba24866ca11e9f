/** One stretch of the run and the versions that may answer in it. */
export interface VersionWindow {
  /** ms since the epoch, inclusive. */
  from: number;
  /** ms since the epoch, exclusive; Infinity for "until the end". */
  to: number;
  allowed: ReadonlySet<string>;
  label: string;
}

/** One answered request, as the load generator saw it. */
export interface Answer {
  /** When the request was sent, ms since the epoch. */
  sentAt: number;
  version: string;
}

/**
 * Counts answers from a version that should no longer serve: one sent inside a window (the time
 * after a rollout completed and before the next change) by a version the window does not allow.
 * During a rollout both versions may answer, so only these windows are judged.
 *
 * Example: window [t5, t9) allows {v2}: an answer sent at t6 by v1 is stale; one sent at t4 by v1
 * is not judged (the rollout was still going).
 */
export function staleAnswers(answers: readonly Answer[], windows: readonly VersionWindow[]): { total: number; byWindow: Record<string, number> } {
  const byWindow: Record<string, number> = {};
  let total = 0;
  for (const a of answers) {
    const window = windows.find((w) => a.sentAt >= w.from && a.sentAt < w.to);
    if (!window || window.allowed.has(a.version)) continue;
    total++;
    byWindow[window.label] = (byWindow[window.label] ?? 0) + 1;
  }
  return { total, byWindow };
}
