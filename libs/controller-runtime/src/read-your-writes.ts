import type { Clock } from './clock';

/** A cache whose progress can be followed: how far it is, a change feed, and a way to catch up. */
export interface RevisionSource {
  /** The etcd revision the cache is up to date with. */
  readonly revision: number;
  /** Subscribes to changes; returns the unsubscribe. */
  on(listener: () => void): () => void;
  /**
   * Brings the cache up to date with etcd as of now (a list of its prefix): afterwards it holds
   * every write made before the call. Without it a stale wait is given up instead.
   */
  resync?(): Promise<void>;
}

interface Expectation {
  /**
   * Each cache and the revision it must reach: the last write to a key it holds. Per cache,
   * because a cache moves only with writes under its own prefix.
   */
  sources: Map<RevisionSource, number>;
  /** When the wait last started (the last write, or the last re-list); it goes stale `staleMs` later. */
  at: number;
}

/**
 * Read-your-writes for controllers that decide from informer caches: after a reconcile of key K
 * wrote revision R, K is not decided on again until every cache that holds the written key has
 * reached R. Without it, a reconcile woken by the first of three creations would see one new
 * replica where there are three and create two more: a surge past maxSurge. (Kubernetes'
 * controllers keep "expectations" for the same reason.) A deletion is a write too: its revision
 * is reached once the cache has dropped the key.
 *
 * A wait longer than `staleMs` (a watch that lost or is slow to deliver an event) is not given
 * up: deciding on a cache that lacks the writes could create those replicas again. The caches it
 * waits on are listed again instead (`stale` tells the runner which), which brings them past the
 * write; a source that cannot re-list is given up on, as the last resort.
 */
export class ReadYourWrites {
  private readonly expectations = new Map<string, Expectation>();

  constructor(
    private readonly clock: Clock,
    readonly staleMs = 30_000,
  ) {}

  /** Records that a reconcile of `scope` wrote `revision` to a key the `sources` hold. */
  wrote(scope: string, sources: Iterable<RevisionSource>, revision: number): void {
    const now = this.clock.now();
    const found = this.expectations.get(scope);
    const expectation = found ?? { sources: new Map<RevisionSource, number>(), at: now };
    for (const source of sources) expectation.sources.set(source, Math.max(expectation.sources.get(source) ?? 0, revision));
    expectation.at = now;
    if (!found) this.expectations.set(scope, expectation);
  }

  /** True while a write recorded for `scope` is not in the caches yet. */
  waiting(scope: string): boolean {
    const expectation = this.expectations.get(scope);
    if (!expectation) return false;
    const reached = [...expectation.sources].every(([source, revision]) => source.revision >= revision);
    if (reached || (this.overdue(expectation) && this.behind(expectation).some((source) => !source.resync))) {
      this.expectations.delete(scope);
      return false;
    }
    return true;
  }

  /**
   * The caches to list again for `scope`, when its wait is stale (staleMs since it started) and
   * they are still behind its writes; the wait starts over, so a list that fails is tried again
   * a period later. Empty when the wait is not stale.
   */
  stale(scope: string): RevisionSource[] {
    const expectation = this.expectations.get(scope);
    if (!expectation || !this.overdue(expectation)) return [];
    const behind = this.behind(expectation);
    // A cache that cannot list again ends the wait instead (see waiting).
    if (behind.length === 0 || behind.some((source) => !source.resync)) return [];
    expectation.at = this.clock.now();
    return behind;
  }

  /** The caches `scope` waits on, and when its wait goes stale (ms); undefined when it waits on none. */
  waitOf(scope: string): { sources: Iterable<RevisionSource>; staleAt: number } | undefined {
    const expectation = this.expectations.get(scope);
    return expectation && { sources: expectation.sources.keys(), staleAt: expectation.at + this.staleMs };
  }

  /** Forgets every expectation (a new term starts from scratch). */
  clear(): void {
    this.expectations.clear();
  }

  private overdue(expectation: Expectation): boolean {
    return this.clock.now() - expectation.at >= this.staleMs;
  }

  private behind(expectation: Expectation): RevisionSource[] {
    return [...expectation.sources].filter(([source, revision]) => source.revision < revision).map(([source]) => source);
  }
}
