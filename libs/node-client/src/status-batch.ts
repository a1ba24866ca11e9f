import type { NodeStatus, ReplicaStatusReport } from '@helios/api';

/** One ReportStatus call's worth of reports. */
export interface StatusBatch {
  nodeStatus: NodeStatus | undefined;
  replicas: ReplicaStatusReport[];
}

/** The key a replica's reports coalesce under. */
export function reportKey(report: Pick<ReplicaStatusReport, 'deployment' | 'name'>): string {
  return `${report.deployment}/${report.name}`;
}

/**
 * The status reports of one node waiting to be sent. The latest report of a replica replaces
 * any earlier one not sent yet (only the current state matters, and a node whose replicas flap
 * must not queue one call per flap); the node's own status likewise. `take` hands out a batch
 * for the one call in flight; a batch that failed is put back with `requeue`, under any report
 * that arrived meanwhile (newer wins).
 *
 * Example: put a READY, put b STARTING, put a FAILED -> take(10) = [b STARTING, a FAILED]; the
 * call fails; put b READY; requeue -> pending a FAILED, b READY.
 */
export class StatusCoalescer {
  private readonly pending = new Map<string, ReplicaStatusReport>();
  private nodeStatus: NodeStatus | undefined;

  /** Reports waiting, the node's own status counting as one. */
  get size(): number {
    return this.pending.size + (this.nodeStatus ? 1 : 0);
  }

  /** Queues a replica's report over any earlier one not sent yet. */
  put(report: ReplicaStatusReport): void {
    const key = reportKey(report);
    // Re-inserted so the order of a batch is the order of last change.
    this.pending.delete(key);
    this.pending.set(key, report);
  }

  /** Queues the node's own status over any earlier one not sent yet. */
  putNode(status: NodeStatus): void {
    this.nodeStatus = status;
  }

  /** Removes and returns up to `max` replica reports and the node's status; undefined when nothing waits. */
  take(max: number): StatusBatch | undefined {
    if (this.size === 0) return undefined;
    const replicas: ReplicaStatusReport[] = [];
    for (const [key, report] of this.pending) {
      if (replicas.length >= max) break;
      replicas.push(report);
      this.pending.delete(key);
    }
    const nodeStatus = this.nodeStatus;
    this.nodeStatus = undefined;
    return { nodeStatus, replicas };
  }

  /** Puts a batch that was not delivered back, except what a newer report replaced meanwhile. */
  requeue(batch: StatusBatch): void {
    const newer = new Map(this.pending);
    this.pending.clear();
    for (const report of batch.replicas) if (!newer.has(reportKey(report))) this.pending.set(reportKey(report), report);
    for (const [key, report] of newer) this.pending.set(key, report);
    this.nodeStatus ??= batch.nodeStatus;
  }
}
