import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { systemClock, type Clock, type TimerHandle } from './clock';

/** Options of a WorkQueue. */
export interface WorkQueueOptions {
  backoff?: BackoffPolicy;
  clock?: Clock;
  /** Source of jitter in [0, 1). */
  random?: () => number;
  /** Called whenever the number of keys waiting changes (for a queue-depth gauge). */
  onDepth?: (depth: number) => void;
}

/**
 * The queue between informers and reconcilers, with the guarantees of client-go's workqueue:
 * - a key waits at most once, however many events name it (dedup);
 * - a key being reconciled is never handed to a second worker; if it changes meanwhile it is
 *   queued again when the first worker calls done();
 * - failing keys come back after an exponential backoff with jitter (addRateLimited), and any
 *   key can be scheduled later (addAfter, for requeueAfter).
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  /** Keys that need processing: waiting in `queue`, or marked to go back in when done(). */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; handle: TimerHandle }>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;

  constructor(private readonly options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
  }

  /** Queues a key unless it is already waiting; a key in process is queued again once done. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.queue.push(key);
    this.options.onDepth?.(this.queue.length);
  }

  /**
   * Queues the key after `ms`. Of several pending delays for one key the earliest wins, so a
   * requeueAfter of an hour never postpones a retry due in a second.
   */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) this.clock.clearTimer(pending.handle);
    const handle = this.clock.setTimer(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, handle });
  }

  /** Queues a failed key after its backoff, which doubles with each failure until forget(). */
  addRateLimited(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const delay = backoffDelay(failures, this.backoff, this.random);
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears the key's failure count: its next failure starts the backoff over. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** How many times in a row the key has failed. */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /**
   * The next key to process, waiting for one if none is queued; undefined once shut down. The
   * caller must call done(key) when finished with it.
   */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      this.options.onDepth?.(this.queue.length);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks a key as processed; if it was added meanwhile, it is queued again now. */
  done(key: string): void {
    this.processing.delete(key);
    if (!this.dirty.has(key) || this.shuttingDown) return;
    this.dirty.delete(key);
    this.add(key);
  }

  /** Keys waiting to be processed (not counting delayed or in-process ones). */
  get length(): number {
    return this.queue.length;
  }

  /** True once shutDown() was called. */
  get isShutDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops the queue: pending and delayed keys are dropped, waiting get() calls return undefined. */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const { handle } of this.delayed.values()) this.clock.clearTimer(handle);
    this.delayed.clear();
    this.queue.length = 0;
    this.dirty.clear();
    this.options.onDepth?.(0);
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }
}
