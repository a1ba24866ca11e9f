import { Agent, request } from 'node:http';

/** One request and how it ended. */
export interface Outcome {
  sentAt: number;
  /** ms to the end of the answer. */
  latencyMs: number;
  /** '' when answered 200, else why it failed. */
  failure: string;
}

// Requests go out in small batches on a steady clock: a timer per request would drift.
const TICK_MS = 10;

/**
 * An open-loop load whose rate changes over time: `rate()` requests a second to the router's
 * /v1/infer, sent on schedule whether or not earlier ones were answered (a stall shows as
 * failures or latency, not as a lower rate). Records every request's outcome.
 */
export class RateLoad {
  readonly outcomes: Outcome[] = [];
  sent = 0;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 512 });
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private last = 0;
  private owed = 0;

  constructor(
    private readonly url: string,
    private readonly rate: () => number,
    /** A request unanswered this long fails (longer than the router's hold of a request at zero). */
    private readonly timeoutMs = 180_000,
  ) {}

  start(): void {
    this.last = Date.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Stops sending and waits for every request in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight]);
    this.agent.destroy();
  }

  /** Sends one request now, outside the schedule; resolves with its outcome. */
  once(): Promise<Outcome> {
    return this.send();
  }

  private tick(): void {
    const now = Date.now();
    this.owed += ((now - this.last) / 1000) * Math.max(0, this.rate());
    this.last = now;
    while (this.owed >= 1) {
      this.owed -= 1;
      void this.send();
    }
  }

  private send(): Promise<Outcome> {
    const n = this.sent++;
    const sentAt = Date.now();
    const done = new Promise<Outcome>((resolve) => {
      let settled = false;
      const finish = (failure: string) => {
        if (settled) return;
        settled = true;
        const outcome = { sentAt, latencyMs: Date.now() - sentAt, failure };
        this.outcomes.push(outcome);
        resolve(outcome);
      };
      const req = request(`${this.url}/v1/infer?input=${n}`, { agent: this.agent, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => finish(`response: ${err.message}`));
        res.on('end', () => {
          if (!res.complete) return finish('response cut off');
          finish(res.statusCode === 200 ? '' : `HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`);
        });
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => finish(`request: ${err.message}`));
      req.end();
    });
    const tracked = done.then(() => undefined);
    this.inFlight.add(tracked);
    void tracked.then(() => this.inFlight.delete(tracked));
    return done;
  }
}
