import type { Logger } from '@helios/config';
import type { BackoffPolicy } from './backoff';
import { systemClock, type Clock, type TimerHandle } from './clock';
import { isTerminal, type ReconcileContext, type ReconcileResult } from './controller';
import type { ControllerMetrics, ReconcileOutcome } from './controller-metrics';
import type { EventSource } from './event-source';
import { ReadYourWrites, type RevisionSource } from './read-your-writes';
import { WorkQueue } from './work-queue';

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
 * controller (DESIGN.md section 4). Subscribe sources with watch(), then run() until the
 * signal aborts. A runner runs once; a controller builds a new one (and fresh informers) each
 * time it starts, so a new leader never trusts a cache from a previous term.
 */
export class ControllerRunner {
  readonly queue: WorkQueue;
  private readonly unsubscribes: (() => void)[] = [];
  private readonly clock: Clock;
  private readonly ryw: ReadYourWrites;
  /** Keys held back until the caches show their writes. */
  private readonly parked = new Set<string>();
  /** Subscriptions to the caches parked keys wait on. */
  private readonly followed = new Map<RevisionSource, () => void>();
  private staleTimer: { at: number; handle: TimerHandle } | undefined;
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
  watch<E>(source: EventSource<E>, keysOf: (event: E) => Iterable<string> | string | undefined): () => void {
    const unsubscribe = source.on((event) => {
      const keys = keysOf(event);
      if (keys === undefined) return;
      for (const key of typeof keys === 'string' ? [keys] : keys) this.queue.add(key);
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
    this.parked.add(key);
    const wait = this.ryw.waitOf(scope);
    if (!wait) return;
    for (const source of wait.sources) {
      if (!this.followed.has(source)) this.followed.set(source, source.on(() => this.scheduleRecheck()));
    }
    if (!this.staleTimer || this.staleTimer.at > wait.staleAt) {
      if (this.staleTimer) this.clock.clearTimer(this.staleTimer.handle);
      const at = wait.staleAt;
      this.staleTimer = { at, handle: this.clock.setTimer(() => ((this.staleTimer = undefined), this.recheck()), Math.max(0, at - this.clock.now())) };
    }
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
    for (const key of this.parked) {
      if (this.ryw.waiting(this.scopeOf(key))) continue;
      this.parked.delete(key);
      this.queue.add(key);
    }
    // Keep following only the caches that keys still wait on, and time out the earliest wait.
    const needed = new Set<RevisionSource>();
    let staleAt = Infinity;
    for (const key of this.parked) {
      const wait = this.ryw.waitOf(this.scopeOf(key));
      for (const source of wait?.sources ?? []) needed.add(source);
      if (wait) staleAt = Math.min(staleAt, wait.staleAt);
    }
    for (const [source, unsubscribe] of this.followed) {
      if (needed.has(source)) continue;
      unsubscribe();
      this.followed.delete(source);
    }
    if (staleAt !== Infinity && !this.staleTimer) {
      this.staleTimer = { at: staleAt, handle: this.clock.setTimer(() => ((this.staleTimer = undefined), this.recheck()), Math.max(0, staleAt - this.clock.now())) };
    }
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
