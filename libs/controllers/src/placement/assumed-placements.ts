import type { Replica } from '@helios/api';
import { replicaId } from '@helios/scheduling';

interface Assumption {
  replica: Replica;
  /** The etcd revision the write took effect at; undefined while the write is in flight. */
  revision?: number;
}

/**
 * Placements the controller has decided and written but its replica cache may not show yet
 * (kube-scheduler's "assumed pods"). A placement is assumed the moment it is decided, before its
 * write goes out, so the next deployment placed (on this worker or another) counts its GPUs as
 * taken; once the write took effect at revision R it stays assumed until the cache has reached
 * R, and from then on the cache itself holds it (or whatever became of it since). A write that
 * was refused (conflict, gone, fenced, failed) is forgotten at once: it took nothing.
 *
 * Worked example, cache at revision 9:
 *   assume(a/r0 in east)      -> east counts a/r0 (the cache says a/r0 has no cell)
 *   written(a/r0, 10)         -> still counted from here; the cache is at 9
 *   cache reaches 10: prune   -> dropped; the cache's a/r0 (in east) is counted instead, once
 *   assume(b/r0), refused     -> forget(b/r0): dropped at once
 */
export class AssumedPlacements {
  private readonly byId = new Map<string, Assumption>();
  private readonly byCell = new Map<string, Set<string>>();

  /** Assumes a replica as placed (it carries its new cell and tier). */
  assume(replica: Replica): void {
    const id = replicaId(replica);
    this.drop(id);
    this.byId.set(id, { replica });
    const cell = replica.spec?.cell ?? '';
    let ids = this.byCell.get(cell);
    if (!ids) this.byCell.set(cell, (ids = new Set()));
    ids.add(id);
  }

  /** Records that the placement of `id` took effect at `revision`. */
  written(id: string, revision: number): void {
    const assumption = this.byId.get(id);
    if (assumption) assumption.revision = revision;
  }

  /** Drops a placement whose write was refused or failed; returns the cell it was assumed in. */
  forget(id: string): string | undefined {
    return this.drop(id);
  }

  /** Drops every written placement the cache has reached (its revision is at least the write's). */
  prune(cacheRevision: number): void {
    for (const [id, assumption] of this.byId) {
      if (assumption.revision !== undefined && assumption.revision <= cacheRevision) this.drop(id);
    }
  }

  /** The assumed state of a replica, if its placement is assumed. */
  get(id: string): Replica | undefined {
    return this.byId.get(id)?.replica;
  }

  /** The replicas assumed placed in `cell`. */
  inCell(cell: string): Replica[] {
    return [...(this.byCell.get(cell) ?? [])].map((id) => this.byId.get(id)!.replica);
  }

  /** Placements assumed now. */
  get size(): number {
    return this.byId.size;
  }

  /** Forgets everything (a new term trusts only its caches). */
  clear(): void {
    this.byId.clear();
    this.byCell.clear();
  }

  private drop(id: string): string | undefined {
    const assumption = this.byId.get(id);
    if (!assumption) return undefined;
    this.byId.delete(id);
    const cell = assumption.replica.spec?.cell ?? '';
    const ids = this.byCell.get(cell);
    ids?.delete(id);
    if (ids?.size === 0) this.byCell.delete(cell);
    return cell;
  }
}
