import { LoadReport } from '@helios/api';
import type { Etcd3, IRequestOp } from 'etcd3';
import { StoreError } from './errors';
import type { Keys } from './keys';

/** Options of a LoadReportWriter. */
export interface LoadReportWriterOptions {
  /** TTL of the leases the reports live on, seconds (default 6; etcd raises anything below 2). */
  ttlSeconds?: number;
  /** Reports arriving within this many ms go to etcd in one transaction (default 50). */
  flushMs?: number;
}

interface Pending {
  value: Buffer;
  waiters: { resolve: () => void; reject: (err: Error) => void }[];
}

// etcd refuses a transaction with more than 128 operations (--max-txn-ops).
const MAX_TXN_OPS = 128;

/**
 * Writes load reports to `load/<deployment>/<reporter>` so that a dead reporter's load
 * disappears by itself and many reporters cost little (docs/architecture.md, autoscaling):
 * - one key per reporter and deployment, the latest report replacing the one before;
 * - reports arriving within flushMs are coalesced (a reporter's later report wins) and written
 *   in transactions of up to 128 puts;
 * - every put is bound to a shared lease that nobody keeps alive: a new one is granted once the
 *   current one is ttl/3 old, so a key lives between 2/3 and all of the TTL after its reporter's
 *   last report. A reporter that reports every second keeps its key; a dead one's key expires
 *   within the TTL. One lease grant every ttl/3 seconds replaces a lease and a keep-alive stream
 *   per reporter.
 * 1,000 replicas reporting every second is then about 20 transactions and a lease grant every
 * two seconds.
 */
export class LoadReportWriter {
  private readonly ttlSeconds: number;
  private readonly flushMs: number;
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private lease: { id: string; grantedAt: number } | undefined;
  private granting: Promise<string> | undefined;
  private closed = false;

  constructor(
    private readonly client: Etcd3,
    private readonly keys: Keys,
    options: LoadReportWriterOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? 6;
    this.flushMs = options.flushMs ?? 50;
  }

  /** Queues a (validated) report; resolves once it is in etcd, rejects with a StoreError when etcd failed. */
  write(report: LoadReport): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the load report writer is closed'));
    const key = this.keys.load(report.deployment, report.reporter);
    return new Promise((resolve, reject) => {
      const entry = this.pending.get(key);
      const value = Buffer.from(LoadReport.encode(report).finish());
      if (entry) {
        entry.value = value;
        entry.waiters.push({ resolve, reject });
      } else {
        this.pending.set(key, { value, waiters: [{ resolve, reject }] });
      }
      this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
    });
  }

  /** Stops writing: reports still queued fail. Their keys expire with their leases. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const dropped = this.pending;
    this.pending = new Map();
    for (const entry of dropped.values()) for (const w of entry.waiters) w.reject(new Error('the load report writer closed before the report was written'));
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const batch = [...this.pending];
    this.pending = new Map();
    for (let i = 0; i < batch.length; i += MAX_TXN_OPS) {
      const part = batch.slice(i, i + MAX_TXN_OPS);
      try {
        await this.put(part);
        for (const [, entry] of part) for (const w of entry.waiters) w.resolve();
      } catch (err) {
        const failure = new StoreError(part[0]![0], `writing ${part.length} load reports (${part[0]![0]} ...): ${(err as Error)?.message ?? String(err)}`, { cause: err });
        for (const [, entry] of part) for (const w of entry.waiters) w.reject(failure);
      }
    }
  }

  private async put(part: [string, Pending][]): Promise<void> {
    const ops = (lease: string): IRequestOp[] => part.map(([key, entry]) => ({ request_put: { key: Buffer.from(key), value: entry.value, lease } }));
    const lease = await this.currentLease();
    try {
      await this.client.kv.txn({ compare: [], success: ops(lease), failure: [] });
    } catch (err) {
      // etcd revoked the lease early (it was granted just before an etcd restart, say): take a new one once.
      if (!/lease not found/i.test(String((err as Error)?.message))) throw err;
      this.lease = undefined;
      await this.client.kv.txn({ compare: [], success: ops(await this.currentLease()), failure: [] });
    }
  }

  private async currentLease(): Promise<string> {
    const now = Date.now();
    if (this.lease && now - this.lease.grantedAt < (this.ttlSeconds * 1000) / 3) return this.lease.id;
    this.granting ??= this.client.leaseClient
      .leaseGrant({ TTL: this.ttlSeconds })
      .then((res) => {
        this.lease = { id: res.ID, grantedAt: now };
        return res.ID;
      })
      .finally(() => {
        this.granting = undefined;
      });
    return this.granting;
  }
}

/** Decodes a stored load report; undefined when the bytes are not one. */
export function decodeLoadReport(value: Buffer): LoadReport | undefined {
  try {
    return LoadReport.decode(value);
  } catch {
    return undefined;
  }
}
