/** An opaque handle of a timer set through a {@link Clock}. */
export type TimerHandle = { readonly id: number } | ReturnType<typeof setTimeout>;

/** Where time comes from, so queues and backoff can be driven by a test instead of the wall clock. */
export interface Clock {
  /** Milliseconds since some fixed origin. */
  now(): number;
  /** Calls fn once after ms milliseconds. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** The real clock: Date.now and Node timers (unref'd, so a pending retry never keeps a process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer;
  },
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A clock that moves only when told to: `advance(ms)` fires the timers that fall due, in order.
 * For tests of anything that waits (backoff, requeueAfter) without sleeping.
 */
export class ManualClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    if (typeof handle === 'object' && 'id' in handle) this.timers.delete(handle.id);
  }

  /** Timers still pending. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by ms, firing every timer due by then in the order they fall due. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = until;
  }
}
