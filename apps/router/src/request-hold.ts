/** How a held request's wait ended. */
export type HoldOutcome = 'ready' | 'timeout' | 'full' | 'cancelled';

/** Options of a RequestHold. */
export interface RequestHoldOptions {
  /** Requests held at most; one more is refused at once ('full'). */
  maxHeld: number;
  /** A request held this long gives up ('timeout'). */
  timeoutMs: number;
  /** Called when a request starts waiting (the router reports the demand at once, for 0 -> 1). */
  onHeld?: () => void;
}

interface Waiter {
  settle: (outcome: HoldOutcome) => void;
}

/**
 * The requests a router holds while its deployment has no Ready replica (docs/architecture.md,
 * autoscaling: scale from zero): a bounded queue, each request with a timeout, all released
 * together once an endpoint appears. Without it a deployment at zero would answer 503 to the very
 * requests that should wake it; with a bound, a flood while at zero cannot exhaust the router.
 */
export class RequestHold {
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly options: RequestHoldOptions) {}

  /** Requests waiting now: the demand the router reports as held. */
  get size(): number {
    return this.waiters.size;
  }

  /** Waits until release(), the timeout, or `signal` (the client went away); 'full' at once when the queue is. */
  wait(signal?: AbortSignal): Promise<HoldOutcome> {
    if (this.waiters.size >= this.options.maxHeld) return Promise.resolve('full');
    if (signal?.aborted) return Promise.resolve('cancelled');
    return new Promise((resolve) => {
      const waiter: Waiter = {
        settle: (outcome) => {
          if (!this.waiters.delete(waiter)) return;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      const timer = setTimeout(() => waiter.settle('timeout'), this.options.timeoutMs);
      const onAbort = () => waiter.settle('cancelled');
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
      this.options.onHeld?.();
    });
  }

  /** Lets every held request go on (an endpoint appeared). */
  release(): void {
    for (const waiter of [...this.waiters]) waiter.settle('ready');
  }
}
