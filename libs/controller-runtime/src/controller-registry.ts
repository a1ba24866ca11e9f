import type { Logger } from '@helios/config';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { systemClock, type Clock } from './clock';
import type { SharedInformers } from '@helios/store';
import type { Controller } from './controller';
import type { ControllerMetrics } from './controller-metrics';
import { Manager, type ManagedController } from './manager';

/** The part of the store's LeaderElection the registry follows. */
export interface Leadership {
  readonly isLeader: boolean;
  on(event: 'elected' | 'lost', cb: (reason?: Error) => void): () => void;
}

/** Options of a ControllerRegistry. */
export interface ControllerRegistryOptions {
  logger?: Logger;
  clock?: Clock;
  /** Spacing of restarts of a controller whose start() broke. Default 1 s doubling to 30 s. */
  restartBackoff?: BackoffPolicy;
  /** The process's shared informers: managed controllers run on them. Required to register one. */
  informers?: SharedInformers;
  metrics?: ControllerMetrics;
  /** Called each term once the managed controllers' caches are synced and they run. */
  onRunning?: () => void;
}

/** Tells a controller run by the manager from one that runs its own loop. */
function isManaged(controller: Controller | ManagedController): controller is ManagedController {
  return typeof (controller as ManagedController).setup === 'function';
}

const RESTART_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 30_000, jitter: 0.2 };
// A controller that ran this long before breaking is treated as healthy: its backoff restarts.
const HEALTHY_RUN_MS = 60_000;

/**
 * The one list of a component's controllers (docs/conventions.md, rule 4), run only while this process
 * leads: `follow(election)` starts them all when leadership is won and stops them when it is
 * lost. Controllers fence their writes with the election, so one that has not stopped yet when
 * leadership goes still cannot write.
 */
export class ControllerRegistry {
  private readonly controllers: (Controller | ManagedController)[] = [];
  private run: { abort: AbortController; done: Promise<void> } | undefined;
  /** The end of the last stopped run: a new run waits for it, so one controller never runs twice at once. */
  private stopping: Promise<void> = Promise.resolve();
  private readonly clock: Clock;
  private readonly unsubscribes: (() => void)[] = [];

  constructor(private readonly options: ControllerRegistryOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /** Adds a controller; names must be unique. Added while running, it starts with the next term. */
  register(controller: Controller | ManagedController): this {
    if (this.controllers.some((c) => c.name === controller.name)) throw new Error(`controller ${controller.name} is registered twice`);
    if (isManaged(controller) && !this.options.informers) throw new Error(`controller ${controller.name} needs the registry's shared informers`);
    this.controllers.push(controller);
    return this;
  }

  /** The registered controllers, in registration order. */
  list(): readonly (Controller | ManagedController)[] {
    return this.controllers;
  }

  /** True while the controllers run. */
  get running(): boolean {
    return this.run !== undefined;
  }

  /** Starts the controllers whenever `leadership` is won and stops them when it is lost. */
  follow(leadership: Leadership): void {
    this.unsubscribes.push(
      leadership.on('elected', () => this.startAll()),
      leadership.on('lost', (reason) => {
        this.options.logger?.warn({ err: reason }, 'leadership lost; stopping controllers');
        void this.stopAll();
      }),
    );
    if (leadership.isLeader) this.startAll();
  }

  /** Starts every controller (no-op when already running). */
  startAll(): void {
    if (this.run) return;
    const abort = new AbortController();
    this.options.logger?.info({ controllers: this.controllers.map((c) => c.name) }, 'starting controllers');
    const done = this.stopping
      .then(() => (abort.signal.aborted ? [] : Promise.all(this.runners().map((run) => this.supervise(run, abort.signal)))))
      .then(() => undefined);
    this.run = { abort, done };
  }

  /** Stops every controller and waits until they have returned. */
  async stopAll(): Promise<void> {
    const run = this.run;
    if (!run) return this.stopping;
    this.run = undefined;
    run.abort.abort();
    this.stopping = run.done;
    await run.done;
    this.options.logger?.info('controllers stopped');
  }

  /** Stops the controllers and stops following leadership. */
  async close(): Promise<void> {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    await this.stopAll();
  }

  /**
   * What one term runs: the managed controllers together on one manager (one set of caches),
   * and each self-running controller on its own.
   */
  private runners(): { name: string; start: (signal: AbortSignal) => Promise<void> }[] {
    const managed = this.controllers.filter(isManaged);
    const runners = this.controllers.filter((c): c is Controller => !isManaged(c)).map((c) => ({ name: c.name, start: (signal: AbortSignal) => c.start(signal) }));
    if (managed.length > 0) {
      const { informers, clock, metrics, logger, onRunning } = this.options;
      const manager = new Manager({ informers: informers!, clock, metrics, logger, onRunning });
      runners.push({ name: `manager(${managed.map((c) => c.name).join(',')})`, start: (signal) => manager.run(managed, signal) });
    }
    return runners;
  }

  /** Runs one controller until the signal aborts, restarting it with backoff when it breaks. */
  private async supervise(controller: { name: string; start: (signal: AbortSignal) => Promise<void> }, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const started = this.clock.now();
      try {
        await controller.start(signal);
        if (signal.aborted) return;
        throw new Error('start() returned before it was stopped');
      } catch (err) {
        if (signal.aborted) return;
        if (this.clock.now() - started >= HEALTHY_RUN_MS) failures = 0;
        const delay = backoffDelay(failures++, this.options.restartBackoff ?? RESTART_BACKOFF);
        this.options.logger?.error({ controller: controller.name, err, restartInMs: delay }, 'controller broke; restarting');
        await this.sleep(delay, signal);
      }
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.clock.clearTimer(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.clock.setTimer(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
