import type { Logger } from '@helios/config';
import type { BackoffPolicy } from './backoff';
import { systemClock, type Clock, type TimerHandle } from './clock';
import { isTerminal, type ReconcileContext, type ReconcileResult } from './controller';
import type { ControllerMetrics, ReconcileOutcome } from './controller-metrics';
import type { EventSource } from './event-source';
import { ReadYourWrites, type RevisionSource } from './read-your-writes';
import { WorkQueue } from './work-queue';

/** How a watched source's events queue their keys. */
export interface WatchOptions {
  /**
   * Queue a key this many ms after the first event that names it, not at once: the events of a
   * burst within the window make one reconcile (a planner that costs a whole cell per look need
   * not look once per replica). 0 or absent: at once.
   */
  coalesceMs?: number;
}

/** Options of a ControllerRunner. */
export interface ControllerRunnerOptions {
  /** The controller's name, for logs and metric labels. */
  name: string;
  reconcile: (key: string, ctx: ReconcileContext) => Promise<ReconcileResult | void>;
  /** Keys reconciled in parallel; one key is never reconciled twice at once. Default 1. */
  workers?: number;
  /**
   * The caches that hold a written key (the manager's shared informers): a key whose reconcile
   * wrote is not reconciled again until they reach the write. Without it, writes are not followed.
   */
  sourcesOf?: (writtenKey: string) => Iterable<RevisionSource>;
  /**
   * Whose writes a reconcile waits for: its own key's (default), or every key's of this controller
   * (`controller`), for decisions that share one resource across keys, such as free GPUs.
   */
  readYourWrites?: 'key' | 'controller';
  /** How long a key waits for the caches to show its writes before deciding anyway, in ms. Default 30 s. */
  readYourWritesStaleMs?: number;
  backoff?: BackoffPolicy;
  clock?: Clock;
  random?: () => number;
  metrics?: ControllerMetrics;
  logger?: Logger;
}

/**
 * Wires event sources to a work queue and the queue to reconcile: the machine inside every
 * controller (docs/architecture.md, section 3). Subscribe sources with watch(), then run() until
 * the signal aborts. A runner runs once: the Manager builds a new one for each controller each
 * term, so no queue, backoff or read-your-writes wait outlives its term.
 */
export class ControllerRunner {
  readonly queue: WorkQueue;
  private readonly unsubscribes: (() => void)[] = [];
  private readonly clock: Clock;
  private readonly ryw: ReadYourWrites;
  /** Keys held back until the caches show their writes. */
  private readonly parked = new Set<string>();
  /** What runs once a scope waits for no write: parked keys' re-queues and caughtUp() promises. */
  private readonly waiters = new Map<string, (() => void)[]>();
  /** Subscriptions to the caches parked keys wait on. */
  private readonly followed = new Map<RevisionSource, () => void>();
  private staleTimer: { at: number; handle: TimerHandle } | undefined;
  /** Caches being listed again because a wait on them went stale. */
  private readonly relisting = new Set<RevisionSource>();
  private recheckScheduled = false;
  private readonly resyncs: { keys: () => Iterable<string>; everyMs: number }[] = [];
  private readonly timers = new Set<TimerHandle>();
  private started = false;

  constructor(private readonly options: ControllerRunnerOptions) {
    this.clock = options.clock ?? systemClock;
    this.ryw = new ReadYourWrites(this.clock, options.readYourWritesStaleMs);
    this.queue = new WorkQueue({
      backoff: options.backoff,
      clock: options.clock,
      random: options.random,
      onDepth: (depth) => options.metrics?.queueDepth.set({ controller: options.name }, depth),
    });
  }

  /**
   * Queues the keys each event maps to (none, one or several: a node event may concern its
   * pool and its cell). Returns the unsubscribe; run() unsubscribes everything when it ends.
   */
  watch<E>(source: EventSource<E>, keysOf: (event: E) => Iterable<string> | string | undefined, options: WatchOptions = {}): () => void {
    const coalesceMs = options.coalesceMs ?? 0;
    const unsubscribe = source.on((event) => {
      const keys = keysOf(event);
      if (keys === undefined) return;
      // addAfter keeps the earliest pending time of a key: the window runs from its first event.
      for (const key of typeof keys === 'string' ? [keys] : keys) this.queue.addAfter(key, coalesceMs);
    });
    this.unsubscribes.push(unsubscribe);
    return unsubscribe;
  }

  /** Queues a key by hand (a resync, a first pass over a cache). */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Unsubscribes every source without running (a term that ended before its caches synced). */
  detach(): void {
    this.queue.shutDown();
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
  }

  /**
   * Queues `keys()` when the run starts and again every `everyMs` (level-triggered resync: a
   * decision that depends on time, or on the cloud, is looked at even when etcd is quiet).
   */
  resync(keys: () => Iterable<string>, everyMs: number): void {
    this.resyncs.push({ keys, everyMs });
  }

  /**
   * Runs the workers until `signal` aborts; then stops the queue, waits for reconciles in
   * flight (a reconcile is not cut off halfway through its writes) and unsubscribes the sources.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error(`controller ${this.options.name}: a runner runs once; build a new one to start again`);
    this.started = true;
    const stop = () => this.queue.shutDown();
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    this.options.metrics?.running.set({ controller: this.options.name }, 1);
    this.options.metrics?.queueDepth.set({ controller: this.options.name }, this.queue.length);
    for (const resync of this.resyncs) this.startResync(resync);
    try {
      const workers = Math.max(1, this.options.workers ?? 1);
      await Promise.all(Array.from({ length: workers }, () => this.work(signal)));
    } finally {
      signal.removeEventListener('abort', stop);
      for (const timer of this.timers) this.clock.clearTimer(timer);
      this.timers.clear();
      if (this.staleTimer) this.clock.clearTimer(this.staleTimer.handle);
      this.releaseWaiters();
      for (const unsubscribe of this.followed.values()) unsubscribe();
      this.followed.clear();
      this.parked.clear();
      for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
      this.options.metrics?.running.set({ controller: this.options.name }, 0);
      this.options.metrics?.queueDepth.set({ controller: this.options.name }, 0);
    }
  }

  private async work(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.reconcileOne(key, signal);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async reconcileOne(key: string, signal: AbortSignal): Promise<void> {
    const { name, logger, metrics } = this.options;
    const scope = this.scopeOf(key);
    if (this.ryw.waiting(scope)) {
      this.park(key, scope);
      return;
    }
    const started = this.clock.now();
    let outcome: ReconcileOutcome;
    const sourcesOf = this.options.sourcesOf;
    const ctx: ReconcileContext = {
      signal,
      wrote: (revision, writtenKey) => {
        if (sourcesOf && revision > 0) this.ryw.wrote(scope, sourcesOf(writtenKey), revision);
      },
      caughtUp: () => new Promise<void>((resolve) => (this.queue.isShutDown ? resolve() : this.whenCaughtUp(scope, resolve))),
    };
    try {
      const result = await this.options.reconcile(key, ctx);
      this.queue.forget(key);
      if (result?.requeueAfter !== undefined) {
        this.queue.addAfter(key, result.requeueAfter);
        outcome = 'requeue';
      } else outcome = 'success';
    } catch (err) {
      if (isTerminal(err)) {
        this.queue.forget(key);
        outcome = 'terminal';
        logger?.error({ controller: name, key, err }, 'reconcile failed for good; waiting for the next change');
      } else {
        outcome = 'error';
        // A reconcile cut short by losing leadership is not worth a retry or a warning.
        if (!signal.aborted) {
          const attempt = this.queue.numRequeues(key) + 1;
          const delay = this.queue.addRateLimited(key);
          logger?.warn({ controller: name, key, attempt, retryInMs: delay, err }, 'reconcile failed; retrying');
        }
      }
    }
    metrics?.observe(name, outcome, (this.clock.now() - started) / 1000);
  }

  private scopeOf(key: string): string {
    return this.options.readYourWrites === 'controller' ? '' : key;
  }

  /** Holds a key back until the caches its writes went to have them, or the wait goes stale. */
  private park(key: string, scope: string): void {
    if (this.parked.has(key)) return;
    this.parked.add(key);
    this.whenCaughtUp(scope, () => {
      this.parked.delete(key);
      this.queue.add(key);
    });
  }

  /** Calls `fn` once `scope` waits for no write (at once when it waits for none). */
  private whenCaughtUp(scope: string, fn: () => void): void {
    if (!this.ryw.waiting(scope)) return fn();
    const waiting = this.waiters.get(scope);
    if (waiting) waiting.push(fn);
    else this.waiters.set(scope, [fn]);
    this.follow();
  }

  // An informer tells its listeners about an event before it moves its revision past it, so look
  // once the watch response has been applied; one look serves every event of the response.
  private scheduleRecheck(): void {
    if (this.recheckScheduled) return;
    this.recheckScheduled = true;
    queueMicrotask(() => {
      this.recheckScheduled = false;
      this.recheck();
    });
  }

  private recheck(): void {
    for (const [scope, fns] of this.waiters) {
      if (this.ryw.waiting(scope)) continue;
      this.waiters.delete(scope);
      for (const fn of fns) fn();
    }
    this.follow();
  }

  /** Follows exactly the caches some scope still waits on, and times out the earliest wait. */
  private follow(): void {
    const needed = new Set<RevisionSource>();
    let staleAt = Infinity;
    for (const scope of this.waiters.keys()) {
      const wait = this.ryw.waitOf(scope);
      if (!wait) continue;
      for (const source of wait.sources) needed.add(source);
      staleAt = Math.min(staleAt, wait.staleAt);
    }
    for (const source of needed) if (!this.followed.has(source)) this.followed.set(source, source.on(() => this.scheduleRecheck()));
    for (const [source, unsubscribe] of this.followed) {
      if (needed.has(source)) continue;
      unsubscribe();
      this.followed.delete(source);
    }
    if (this.staleTimer && this.staleTimer.at <= staleAt) return;
    if (this.staleTimer) this.clock.clearTimer(this.staleTimer.handle);
    this.staleTimer = undefined;
    if (staleAt === Infinity) return;
    const handle = this.clock.setTimer(() => {
      this.staleTimer = undefined;
      this.relistStale();
    }, Math.max(0, staleAt - this.clock.now()));
    this.staleTimer = { at: staleAt, handle };
  }

  /**
   * A wait went stale: the caches still behind its writes are listed again rather than decided
   * on without them (a reconcile that does not see its own creations would create them again).
   * The list brings a cache past every write made before it, and the wait ends then.
   */
  private relistStale(): void {
    for (const scope of this.waiters.keys()) {
      for (const source of this.ryw.stale(scope)) this.relist(source, scope);
    }
    this.recheck();
  }

  private relist(source: RevisionSource, scope: string): void {
    if (this.relisting.has(source) || !source.resync) return;
    this.relisting.add(source);
    const { name, logger } = this.options;
    logger?.warn(
      { controller: name, key: scope || undefined, cacheRevision: source.revision, waitedMs: this.ryw.staleMs },
      "a cache has not shown this controller's writes for a while; listing it again",
    );
    source.resync().then(
      () => undefined,
      (err: unknown) => logger?.warn({ controller: name, err }, 'listing a cache again failed; trying again after another wait'),
    ).finally(() => {
      this.relisting.delete(source);
      this.scheduleRecheck();
    });
  }

  /** Releases every wait (the run ends: nothing may stay blocked on a cache). */
  private releaseWaiters(): void {
    const fns = [...this.waiters.values()].flat();
    this.waiters.clear();
    for (const fn of fns) fn();
  }

  private startResync({ keys, everyMs }: { keys: () => Iterable<string>; everyMs: number }): void {
    const tick = () => {
      for (const key of keys()) this.queue.add(key);
      const handle = this.clock.setTimer(() => {
        this.timers.delete(handle);
        tick();
      }, everyMs);
      this.timers.add(handle);
    };
    tick();
  }
}
