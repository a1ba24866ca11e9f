import type { Logger } from '@helios/config';
import type { BackoffPolicy } from './backoff';
import { systemClock, type Clock } from './clock';
import { isTerminal, type ReconcileResult } from './controller';
import type { ControllerMetrics, ReconcileOutcome } from './controller-metrics';
import type { EventSource } from './event-source';
import { WorkQueue } from './work-queue';

/** Options of a ControllerRunner. */
export interface ControllerRunnerOptions {
  /** The controller's name, for logs and metric labels. */
  name: string;
  reconcile: (key: string) => Promise<ReconcileResult | void>;
  /** Keys reconciled in parallel; one key is never reconciled twice at once. Default 1. */
  workers?: number;
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
  private started = false;

  constructor(private readonly options: ControllerRunnerOptions) {
    this.clock = options.clock ?? systemClock;
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
    try {
      const workers = Math.max(1, this.options.workers ?? 1);
      await Promise.all(Array.from({ length: workers }, () => this.work(signal)));
    } finally {
      signal.removeEventListener('abort', stop);
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
    const started = this.clock.now();
    let outcome: ReconcileOutcome;
    try {
      const result = await this.options.reconcile(key);
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
}
