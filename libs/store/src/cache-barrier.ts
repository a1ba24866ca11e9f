/** The part of an Informer a barrier needs: how far its cache is, and a change feed. */
export interface RevisionSource {
  readonly revision: number;
  on(listener: () => void): () => void;
}

/**
 * Resolves once an informer's cache has caught up with `revision` (a write of ours), so that the
 * next decision reads its own writes instead of deciding again from a cache that predates them.
 * Gives up after `timeoutMs` (resolving false): a lagging watch only costs a decision made on
 * older data, which the compare-and-swap writes then refuse.
 */
export function cacheReached(source: RevisionSource, revision: number, timeoutMs = 5_000): Promise<boolean> {
  if (revision <= 0 || source.revision >= revision) return Promise.resolve(true);
  return new Promise((resolve) => {
    let settled = false;
    const done = (reached: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      resolve(reached);
    };
    // An informer tells its listeners about an event before it moves its revision past it, so
    // look once the watch response has been applied.
    const unsubscribe = source.on(() => queueMicrotask(() => source.revision >= revision && done(true)));
    const timer = setTimeout(() => done(source.revision >= revision), timeoutMs);
    timer.unref();
  });
}
