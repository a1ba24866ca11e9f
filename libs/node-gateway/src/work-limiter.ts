/** Says a WorkLimiter's queue was full: the caller should back off and retry. */
export class WorkLimitExceeded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkLimitExceeded';
  }
}

/**
 * Runs at most `concurrency` tasks at once and queues up to `queueLimit` more, first in first
 * out; a task arriving at a full queue is refused at once rather than held. The node API puts
 * registrations and status reports behind limiters and keep-alives behind none, so a storm of
 * nodes joining again cannot delay the keep-alives that keep the others alive.
 *
 * Example: concurrency 2, queue 1: tasks A and B run, C waits, D is refused; when A ends, C runs.
 */
export class WorkLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly what: string,
    readonly concurrency: number,
    readonly queueLimit: number,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`${what}: concurrency must be a positive integer, got ${concurrency}`);
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` when a slot is free; rejects with WorkLimitExceeded when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) {
        throw new WorkLimitExceeded(`${this.what}: ${this.running} running and ${this.waiting.length} waiting, the most this control plane takes; retry with back-off`);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so a newcomer cannot jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
