import type { Etcd3 } from '@helios/store';

/**
 * Learns the heartbeat lease TTL of each cell's nodes from etcd (LeaseTimeToLive on one live
 * lease of the cell), so the detection metric can say when a node's last keep-alive was. It
 * must ask while a lease lives: once a heartbeat is deleted its lease is gone. One lookup per
 * cell, not per node: the nodes of a cell run the same agent configuration, and 10,000 lookups
 * when a new leader starts would cost etcd more than the metric is worth. A cell whose TTL is
 * not known yet reads as the default; a failed lookup is tried again with the cell's next lease.
 */
export class LeaseTtlLookup {
  private readonly ttls = new Map<string, number>();
  private readonly pending = new Set<string>();
  private closed = false;

  constructor(
    private readonly client: Etcd3,
    /** Seconds assumed while a cell's TTL is not known. */
    readonly defaultTtlSeconds: number,
  ) {}

  /** Looks up the TTL of `leaseId` for its cell, unless the cell's is known or being asked; '0' (no lease) is ignored. */
  note(cell: string, leaseId: string): void {
    if (this.closed || leaseId === '0' || this.ttls.has(cell) || this.pending.has(cell)) return;
    this.pending.add(cell);
    this.client.leaseClient
      .leaseTimeToLive({ ID: leaseId })
      .then(
        (res) => {
          const granted = Number(res.grantedTTL);
          if (!this.closed && granted > 0) this.ttls.set(cell, granted);
        },
        () => undefined,
      )
      .finally(() => this.pending.delete(cell));
  }

  /** The heartbeat lease TTL of the cell's nodes in seconds, or the default. */
  ttlOf(cell: string): number {
    return this.ttls.get(cell) ?? this.defaultTtlSeconds;
  }

  /** Stops looking up. */
  close(): void {
    this.closed = true;
  }
}
