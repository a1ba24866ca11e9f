import type { Logger } from '@helios/config';
import type { SharedInformers } from '@helios/store';
import type { BackoffPolicy } from './backoff';
import { systemClock, type Clock } from './clock';
import type { ReconcileContext, ReconcileResult } from './controller';
import type { ControllerMetrics } from './controller-metrics';
import { ControllerRunner, type WatchOptions } from './controller-runner';
import type { EventSource } from './event-source';

/**
 * What a controller is given at the start of each leadership term: the process's shared,
 * indexed caches and its own work queue to feed.
 */
export interface ControllerTerm {
  /** One informer per etcd prefix, shared by every controller of the process. */
  readonly informers: SharedInformers;
  readonly clock: Clock;
  /** Queues the keys each event maps to (none, one or several); see {@link WatchOptions}. */
  watch<E>(source: EventSource<E>, keysOf: (event: E) => Iterable<string> | string | undefined, options?: WatchOptions): void;
  /** Queues a key now. */
  enqueue(key: string): void;
  /** Queues `keys()` once the caches are synced, then again every `everyMs`. */
  resync(keys: () => Iterable<string>, everyMs: number): void;
  /** Runs when the term ends (after the last reconcile): drop per-term memory here. */
  onStop(fn: () => void): void;
  /**
   * The term's one value under `key`, made by the first controller that asks: memory that two
   * controllers of a component share for one term (and a new term starts without).
   */
  shared<T>(key: string, create: () => T): T;
}

/**
 * A controller run by a {@link Manager}: it declares what it watches and how an event maps to
 * keys, and brings one key at a time to its desired state. Reconcile is level-triggered: it gets
 * only the key and reads the current state from the caches, so a missed or merged event cannot
 * leave things wrong. It returns nothing (done), `{ requeueAfter }`, or throws: a
 * `TerminalError` is dropped until the key changes, anything else is retried with backoff.
 */
export interface ManagedController {
  /** Stable name, used in logs and metric labels: `cell-liveness`. */
  readonly name: string;
  /** Keys reconciled in parallel (one key never twice at once). Default 1. */
  readonly workers?: number;
  /** Whose writes a reconcile waits for: its own key's (default) or every key's of this controller. */
  readonly readYourWrites?: 'key' | 'controller';
  /** Retry spacing of failing keys. */
  readonly backoff?: BackoffPolicy;
  /** Subscribes to the term's informers; the caches are not synced yet, so read nothing here. */
  setup(term: ControllerTerm): void;
  reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult | void>;
}

/** Options of a Manager. */
export interface ManagerOptions {
  informers: SharedInformers;
  clock?: Clock;
  metrics?: ControllerMetrics;
  logger?: Logger;
  /** Called each term once the caches are synced and the controllers run. */
  onRunning?: () => void;
}

/**
 * The machine every long-running component runs its controllers on, one leadership term at a
 * time: it sets each controller up on the shared informers, brings every cache up to date with
 * etcd (so a new leader decides on what etcd holds now, not on what a watch it did not lead
 * through told it), then runs one work queue per controller, with periodic resync and
 * read-your-writes (a key that wrote revision R waits until the caches hold R), until the term
 * ends. Informers outlive terms; queues and controller memory do not.
 */
export class Manager {
  private readonly clock: Clock;

  constructor(private readonly options: ManagerOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Runs one term of `controllers` until `signal` aborts; resolves once every reconcile in flight has ended. */
  async run(controllers: readonly ManagedController[], signal: AbortSignal): Promise<void> {
    const { informers, metrics, logger } = this.options;
    const stops: (() => void)[] = [];
    const shared = new Map<string, unknown>();
    let running = false;
    const runners = controllers.map((controller) => {
      const runner = new ControllerRunner({
        name: controller.name,
        reconcile: (key, ctx) => controller.reconcile(key, ctx),
        workers: controller.workers,
        backoff: controller.backoff,
        readYourWrites: controller.readYourWrites,
        sourcesOf: (key) => informers.covering(key),
        clock: this.clock,
        metrics,
        logger,
      });
      controller.setup({
        informers,
        clock: this.clock,
        watch: (source, keysOf, watchOptions) => void runner.watch(source, keysOf, watchOptions),
        enqueue: (key) => runner.enqueue(key),
        resync: (keys, everyMs) => runner.resync(keys, everyMs),
        onStop: (fn) => stops.push(fn),
        shared: <T>(key: string, create: () => T): T => {
          if (!shared.has(key)) shared.set(key, create());
          return shared.get(key) as T;
        },
      });
      return runner;
    });
    try {
      await informers.sync();
      if (signal.aborted) return;
      logger?.info({ controllers: controllers.map((c) => c.name), watches: informers.prefixes.length }, 'caches synced; controllers running');
      running = true;
      const runs = Promise.all(runners.map((runner) => runner.run(signal)));
      this.options.onRunning?.();
      await runs;
    } finally {
      // Runners that never ran still listen to the shared informers, which outlive the term.
      if (!running) for (const runner of runners) runner.detach();
      for (const stop of stops) {
        try {
          stop();
        } catch (err) {
          logger?.warn({ err }, 'a controller failed to clean up after its term');
        }
      }
    }
  }
}
