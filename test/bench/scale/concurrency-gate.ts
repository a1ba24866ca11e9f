/**
 * Runs async tasks at most `limit` at a time, in the order they were handed in; the rest wait.
 *
 * Example: limit 2, tasks a, b, c handed in together -> a and b start; c starts when either ends.
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`a concurrency gate needs a limit of at least 1, got ${limit}`);
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` once a slot is free; settles as it does. A failing task frees its slot too. */
  async run<T>(task: () => Promise<T> | T): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next task: `running` stays as it is.
      if (next) next();
      else this.running--;
    }
  }
}
