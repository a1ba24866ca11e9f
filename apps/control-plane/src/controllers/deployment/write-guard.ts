/** What the informer caches must show before a deployment is looked at again. */
interface Pending {
  /** The deployments cache must have reached this etcd revision (our last write of the deployment). */
  deploymentRevision: number;
  /** The replicas cache must have reached this revision (our last create or update of a replica). */
  replicaRevision: number;
  /** Replicas we deleted: the cache must no longer hold them. */
  deleted: Set<string>;
  /** When the last write was recorded (ms). */
  at: number;
}

/** How a guard reads the caches. */
export interface CacheView {
  deploymentRevision: number;
  replicaRevision: number;
  /** True while the replicas cache still holds the replica of that name. */
  holds(replica: string): boolean;
}

/**
 * Read-your-writes for a controller that reads informer caches: after it creates, retires or
 * deletes replicas (or writes a deployment), the next reconcile of that deployment waits until
 * the caches show those writes. Without it, a reconcile woken by the first of three creations
 * would see one new replica where there are three and create two more: a surge past maxSurge.
 * (Kubernetes' controllers keep "expectations" for the same reason.) Writes are recognised by
 * the etcd revision they were made at, deletions by the name leaving the cache.
 *
 * A wait longer than `staleMs` (a watch that lost an event, which the informer's re-list would
 * repair anyway) is given up rather than blocking the deployment for good.
 */
export class WriteGuard {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly staleMs = 30_000) {}

  /** Records a write of the deployment `key` at etcd revision `revision`. */
  wroteDeployment(key: string, revision: number, now: number): void {
    const p = this.entry(key, now);
    p.deploymentRevision = Math.max(p.deploymentRevision, revision);
  }

  /** Records a create or update of one of `key`'s replicas at etcd revision `revision`. */
  wroteReplica(key: string, revision: number, now: number): void {
    const p = this.entry(key, now);
    p.replicaRevision = Math.max(p.replicaRevision, revision);
  }

  /** Records the deletion of one of `key`'s replicas. */
  deletedReplica(key: string, replica: string, now: number): void {
    this.entry(key, now).deleted.add(replica);
  }

  /** True when the caches show every recorded write of `key` (or the wait went stale). */
  synced(key: string, view: CacheView, now: number): boolean {
    const p = this.pending.get(key);
    if (!p) return true;
    for (const name of p.deleted) if (!view.holds(name)) p.deleted.delete(name);
    const caughtUp = view.deploymentRevision >= p.deploymentRevision && view.replicaRevision >= p.replicaRevision && p.deleted.size === 0;
    if (caughtUp || now - p.at > this.staleMs) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  /** Forgets a key (its deployment and replicas are gone). */
  forget(key: string): void {
    this.pending.delete(key);
  }

  private entry(key: string, now: number): Pending {
    let p = this.pending.get(key);
    if (!p) {
      p = { deploymentRevision: 0, replicaRevision: 0, deleted: new Set(), at: now };
      this.pending.set(key, p);
    }
    p.at = now;
    return p;
  }
}
