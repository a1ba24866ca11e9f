import type { Etcd3, IKeyValue, IWatchResponse, Watcher } from 'etcd3';
import { readPrefix } from './prefix-range';
import { cancelWatcher } from './watch-cancel';

/** One key as the cache holds it. */
export interface KeyEntry {
  key: string;
  value: Buffer;
  /** etcd mod revision of this value. */
  modRevision: number;
  createRevision: number;
  /** Lease id (decimal string) the key is bound to, '0' when none. */
  lease: string;
}

/** A change of one raw key under the watched prefix. */
export interface KeyEvent {
  type: 'added' | 'modified' | 'deleted';
  key: string;
  /** The new value; for 'deleted', the last value the cache held. */
  value: Buffer;
  /** The value before a 'modified'. */
  previous?: Buffer;
  entry: KeyEntry;
}

/** Where an informer reports a problem it recovers from by itself (a compaction, a broken list). */
export type InformerErrorListener = (err: Error) => void;

/** Options of a KeyInformer. */
export interface KeyInformerOptions {
  /** Called for problems the informer recovers from on its own; default: ignored. */
  onError?: InformerErrorListener;
}

// Re-list back-off when etcd is unreachable: 100 ms doubling to 5 s. Short enough that a
// restarted etcd is picked up at once, long enough not to spin on a dead one.
const RELIST_MIN_DELAY_MS = 100;
const RELIST_MAX_DELAY_MS = 5_000;

/**
 * Keeps an in-memory copy of every raw key under a prefix (heartbeats, agents, load reports) and
 * tells listeners what changed. Lists, then watches from the list's revision + 1; resumes from
 * the last revision it saw after a disconnect; when etcd compacted past that revision it lists
 * again and reports the difference, so no change is lost and none is reported twice.
 */
export class KeyInformer {
  private readonly cache = new Map<string, KeyEntry>();
  private readonly listeners = new Set<(event: KeyEvent) => void>();
  private watcher: Watcher | undefined;
  private nextRevision = 0;
  private stopped = false;
  private started: Promise<void> | undefined;
  private relistTimer: NodeJS.Timeout | undefined;
  private relistDelay = RELIST_MIN_DELAY_MS;
  private resyncs: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: Etcd3,
    /** The watched prefix, e.g. `/helios/v1/heartbeats/`. */
    readonly prefix: string,
    private readonly options: KeyInformerOptions = {},
  ) {}

  /**
   * Lists the prefix into the cache and starts watching; resolves once the cache holds the list.
   * Listeners subscribed before start() receive an 'added' event for every listed key. Rejects
   * when the first list fails.
   */
  start(): Promise<void> {
    this.started ??= this.relist().catch((err: unknown) => {
      this.started = undefined;
      throw new Error(`listing ${this.prefix} failed`, { cause: err });
    });
    return this.started;
  }

  /**
   * Brings the cache up to date with etcd as of now: lists the prefix again, reports the
   * difference (nothing for keys that did not change) and watches from there. Starts the informer
   * when it never ran. A new leadership term calls this instead of trusting a watch it did not
   * see the whole of.
   */
  resync(): Promise<void> {
    // One at a time: two at once would each open a watch and leave one of them running.
    const run = this.resyncs.then(() => this.resyncNow());
    this.resyncs = run.catch(() => undefined);
    return run;
  }

  private async resyncNow(): Promise<void> {
    if (!this.started) return this.start();
    await this.started;
    const watcher = this.watcher;
    this.watcher = undefined;
    clearTimeout(this.relistTimer);
    if (watcher) await cancelWatcher(watcher);
    if (this.stopped) return;
    try {
      await this.relist();
    } catch (err) {
      // The old watch is gone: keep trying in the background, as after a compaction.
      this.report(new Error(`listing ${this.prefix} again failed; retrying`, { cause: err }));
      this.scheduleRelist();
      throw err;
    }
  }

  /** Every cached entry, in no particular order. */
  list(): KeyEntry[] {
    return [...this.cache.values()];
  }

  /** The cached entry of a key. */
  get(key: string): KeyEntry | undefined {
    return this.cache.get(key);
  }

  /** The etcd revision the cache is up to date with. */
  get revision(): number {
    return Math.max(0, this.nextRevision - 1);
  }

  /** Subscribes to changes; returns the function that unsubscribes. */
  on(listener: (event: KeyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watching (do so before closing the client). The cache keeps its last state. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.relistTimer);
    const watcher = this.watcher;
    this.watcher = undefined;
    if (watcher) await cancelWatcher(watcher);
  }

  private async relist(): Promise<void> {
    const snapshot = await readPrefix(this.client, this.prefix);
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const kv of snapshot.kvs) {
      const entry = toEntry(kv);
      seen.add(entry.key);
      this.apply(entry);
    }
    for (const [key, old] of this.cache) {
      if (!seen.has(key)) this.remove(key, old);
    }
    this.nextRevision = snapshot.revision + 1;
    this.watch();
  }

  private watch(): void {
    const watcher = this.client.watch().prefix(this.prefix).startRevision(String(this.nextRevision)).watcher();
    this.watcher = watcher;
    // etcd3 resumes a watcher after a reconnect from request.start_revision, which it sets to the
    // response header's revision + 1. While etcd is still replaying history that header is ahead
    // of the events delivered so far, so resuming from it would skip the rest: keep it at the
    // revision after the last event we processed instead.
    const pin = () => {
      watcher.request.start_revision = String(this.nextRevision);
    };
    watcher.on('connected', pin);
    watcher.on('data', (res: IWatchResponse) => {
      if (this.watcher !== watcher) return;
      this.relistDelay = RELIST_MIN_DELAY_MS;
      this.onWatchResponse(res);
      pin();
    });
    // 'error' is terminal for an etcd3 watcher: compaction past our revision, or etcd cancelled
    // the watch. etcd3 has already dropped it, so list again and watch anew.
    watcher.on('error', (err: Error) => {
      if (this.watcher !== watcher) return;
      this.watcher = undefined;
      this.report(new Error(`watch of ${this.prefix} from revision ${this.nextRevision} ended; listing again`, { cause: err }));
      this.scheduleRelist();
    });
    // A disconnect is healed by etcd3 itself, from the pinned revision.
    watcher.on('disconnected', () => undefined);
  }

  private onWatchResponse(res: IWatchResponse): void {
    // One txn's events share a revision and arrive in one response, so the floor is taken once
    // per response: comparing each event with the revision after the previous one would drop
    // the second key a multi-key txn (or prefix delete) changed.
    const floor = this.nextRevision;
    for (const event of res.events) {
      const revision = Number(event.kv.mod_revision);
      if (revision < floor) continue;
      if (event.type === 'Delete') {
        const key = event.kv.key.toString();
        const old = this.cache.get(key);
        if (old) this.remove(key, old);
      } else {
        this.apply(toEntry(event.kv));
      }
      this.nextRevision = revision + 1;
    }
    // A response without events is a progress notification: etcd sends those only once the
    // watcher has caught up, so its header revision is safe to resume from.
    if (res.events.length === 0 && res.header) {
      this.nextRevision = Math.max(this.nextRevision, Number(res.header.revision) + 1);
    }
  }

  private scheduleRelist(): void {
    if (this.stopped) return;
    const delay = this.relistDelay;
    this.relistDelay = Math.min(this.relistDelay * 2, RELIST_MAX_DELAY_MS);
    this.relistTimer = setTimeout(() => {
      this.relist().catch((err: unknown) => {
        this.report(new Error(`listing ${this.prefix} failed; retrying`, { cause: err }));
        this.scheduleRelist();
      });
    }, delay);
  }

  private apply(entry: KeyEntry): void {
    const old = this.cache.get(entry.key);
    if (old && old.modRevision >= entry.modRevision) return;
    this.cache.set(entry.key, entry);
    if (old) this.emit({ type: 'modified', key: entry.key, value: entry.value, previous: old.value, entry });
    else this.emit({ type: 'added', key: entry.key, value: entry.value, entry });
  }

  private remove(key: string, old: KeyEntry): void {
    this.cache.delete(key);
    this.emit({ type: 'deleted', key, value: old.value, entry: old });
  }

  private emit(event: KeyEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        // A failing listener must not break the cache or starve the other listeners.
        this.report(new Error(`listener of ${this.prefix} failed on ${event.type} ${event.key}`, { cause: err }));
      }
    }
  }

  private report(err: Error): void {
    this.options.onError?.(err);
  }
}

function toEntry(kv: IKeyValue): KeyEntry {
  return {
    key: kv.key.toString(),
    value: kv.value,
    modRevision: Number(kv.mod_revision),
    createRevision: Number(kv.create_revision),
    lease: kv.lease || '0',
  };
}
