import type { EventSource } from '@helios/controller-runtime';
import type { CellEvictionPlan, EvictionBucket } from '@helios/failure-policy';
import type { Etcd3 } from '@helios/store';
import { LeaseTtlLookup } from './lease-ttl-lookup';
import { ReplacementTracker } from './replacement-tracker';

/** What is remembered of a node whose heartbeat is gone. */
export interface Silence {
  /** When the heartbeat went (ms): when its delete was seen, or when it was first missed. */
  since: number;
  /** True when a delete of the key was seen; false when only its absence was. */
  seen: boolean;
  /** Lease the deleted key was bound to; '' when no delete was seen. */
  lease: string;
  ttlSeconds: number;
  /** True once NotReady was written (or found written) for this silence. */
  recorded: boolean;
}

/**
 * What the node lifecycle controller (one key per node) and the cell eviction controller (one key
 * per cell) share within one leadership term: which nodes are silent and since when, and the
 * storm limiter's state per cell. A new term starts from scratch, so a new leader never trusts
 * what an old one believed. It is also an event source of cells: a silence that begins or ends
 * is what makes its cell worth a look, so the cell controller watches this instead of being
 * enqueued from inside another reconcile.
 */
export class LifecycleMemory implements EventSource<string> {
  /** `<cell>/<node>` -> its silence. */
  readonly silences = new Map<string, Silence>();
  /** `<cell>/<node>` -> when its heartbeat key was first found absent without a delete being seen. */
  readonly absentSince = new Map<string, number>();
  readonly buckets = new Map<string, EvictionBucket>();
  /** The last eviction plan of each cell that has silent nodes or is Degraded. */
  readonly plans = new Map<string, CellEvictionPlan>();
  readonly replacements = new ReplacementTracker();
  readonly leaseTtls: LeaseTtlLookup;
  private readonly listeners = new Set<(cell: string) => void>();

  constructor(client: Etcd3, defaultLeaseTtlSeconds: number) {
    this.leaseTtls = new LeaseTtlLookup(client, defaultLeaseTtlSeconds);
  }

  /** Records a silence of `<cell>/<node>`; tells the cell's watchers when it is a new one. */
  beginSilence(cell: string, node: string, silence: Silence): void {
    const id = `${cell}/${node}`;
    const fresh = !this.silences.has(id);
    this.silences.set(id, silence);
    if (fresh) this.emit(cell);
  }

  /** Ends a silence (heartbeat back, node gone); tells the cell's watchers when there was one. */
  endSilence(cell: string, node: string): void {
    if (this.silences.delete(`${cell}/${node}`)) this.emit(cell);
  }

  /** The silence of `<cell>/<node>`, if any. */
  silenceOf(cell: string, node: string): Silence | undefined {
    return this.silences.get(`${cell}/${node}`);
  }

  on(listener: (cell: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops lookups; the memory is not used after its term. */
  close(): void {
    this.leaseTtls.close();
    this.listeners.clear();
  }

  private emit(cell: string): void {
    for (const listener of this.listeners) listener(cell);
  }
}
