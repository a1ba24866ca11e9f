interface Assumption<T> {
  object: T;
  /** The etcd revision the write took effect at; undefined while the write is in flight. */
  revision?: number;
}

/**
 * Writes a controller has decided but its cache may not show yet (kube-scheduler's "assumed
 * pods"), laid over the cache so the next decision counts them. An object is assumed the moment
 * the decision is made, before its write goes out, so a decision taken while the write is in
 * flight already counts it; once the write took effect at revision R it stays assumed until the
 * cache has reached R, and from then on the cache holds it (or whatever became of it since). A
 * write that was refused (conflict, gone, fenced, failed) is forgotten at once: it changed
 * nothing. Used by cell placement (free GPUs across deployments) and the node binder (GPUs of
 * the cell across passes), which may then decide again without waiting for their watch.
 *
 * Worked example, the cache at revision 9:
 *   assume(a/r0 placed in east)  -> counted from now (the cache says a/r0 has no cell)
 *   written(a/r0, 10)            -> still counted: the cache is at 9
 *   prune(10)                    -> dropped; the cache's a/r0 (in east) counts instead, once
 *   assume(b/r0), refused        -> forget(b/r0): dropped at once
 */
export class AssumedWrites<T> {
  private readonly byId = new Map<string, Assumption<T>>();
  private readonly byGroup = new Map<string, Set<string>>();

  /** `groupOf` files each object under one group (a cell) for `inGroup`. */
  constructor(private readonly groupOf: (object: T) => string = () => '') {}

  /** Assumes `object` is written as given (replacing an earlier assumption of `id`). */
  assume(id: string, object: T): void {
    this.drop(id);
    this.byId.set(id, { object });
    const group = this.groupOf(object);
    let ids = this.byGroup.get(group);
    if (!ids) this.byGroup.set(group, (ids = new Set()));
    ids.add(id);
  }

  /** Records that the write of `id` took effect at `revision`. */
  written(id: string, revision: number): void {
    const assumption = this.byId.get(id);
    if (assumption) assumption.revision = revision;
  }

  /** Drops a write that was refused or failed; returns the object it assumed, if any. */
  forget(id: string): T | undefined {
    return this.drop(id);
  }

  /** Drops every written object the cache has reached (its revision is at least the write's). */
  prune(cacheRevision: number): void {
    for (const [id, assumption] of this.byId) {
      if (assumption.revision !== undefined && assumption.revision <= cacheRevision) this.drop(id);
    }
  }

  /** The assumed state of `id`, if it has one. */
  get(id: string): T | undefined {
    return this.byId.get(id)?.object;
  }

  /** The objects assumed in `group`. */
  inGroup(group: string): T[] {
    return [...(this.byGroup.get(group) ?? [])].map((id) => this.byId.get(id)!.object);
  }

  /** Objects assumed now. */
  get size(): number {
    return this.byId.size;
  }

  /** Forgets everything (a new term trusts only its caches). */
  clear(): void {
    this.byId.clear();
    this.byGroup.clear();
  }

  private drop(id: string): T | undefined {
    const assumption = this.byId.get(id);
    if (!assumption) return undefined;
    this.byId.delete(id);
    const group = this.groupOf(assumption.object);
    const ids = this.byGroup.get(group);
    ids?.delete(id);
    if (ids?.size === 0) this.byGroup.delete(group);
    return assumption.object;
  }
}
