import { Agent, request } from 'node:http';
import type { Answer } from './response-windows';

/** How the load generator runs. */
export interface LoadOptions {
  /** `http://host:port` of the router. */
  url: string;
  /** Requests per second. */
  rate: number;
  /** It stops on its own after this long, or this many requests, whichever comes first. */
  maxSeconds: number;
  maxRequests: number;
  /** A request unanswered this long counts as failed. */
  timeoutMs?: number;
}

/** One failed request. */
export interface Failure {
  sentAt: number;
  reason: string;
}

// Requests go out in small batches on a steady clock: a timer per request would drift.
const TICK_MS = 10;

/**
 * A steady open-loop load: `rate` requests a second to the router's /v1/infer, sent on schedule
 * whether or not earlier ones have been answered (so a stall shows as failures, not as a lower
 * rate). Records which model version answered each request, and every failure: a status other
 * than 200, a connection error, a timeout.
 */
export class LoadGenerator {
  readonly answers: Answer[] = [];
  readonly failures: Failure[] = [];
  sent = 0;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;

  constructor(private readonly options: LoadOptions) {}

  /** Starts sending. */
  start(): void {
    this.startedAt = Date.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Requests sent per second so far. */
  get achievedRate(): number {
    const seconds = (Date.now() - this.startedAt) / 1000;
    return seconds > 0 ? this.sent / seconds : 0;
  }

  /** True while it still sends. */
  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Stops sending and waits for every request in flight to end. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight]);
    this.agent.destroy();
  }

  private tick(): void {
    const elapsed = Date.now() - this.startedAt;
    if (elapsed > this.options.maxSeconds * 1000 || this.sent >= this.options.maxRequests) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const due = Math.min(this.options.maxRequests, Math.floor((elapsed / 1000) * this.options.rate)) - this.sent;
    for (let i = 0; i < due; i++) this.send();
  }

  private send(): void {
    const n = this.sent++;
    const sentAt = Date.now();
    const done = new Promise<void>((resolve) => {
      let settled = false;
      const fail = (reason: string) => {
        if (settled) return;
        settled = true;
        this.failures.push({ sentAt, reason });
        resolve();
      };
      const req = request(`${this.options.url}/v1/infer?input=${n}`, { agent: this.agent, timeout: this.options.timeoutMs ?? 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => fail(`response: ${err.message}`));
        res.on('end', () => {
          if (!res.complete) return fail('response cut off');
          if (res.statusCode !== 200) return fail(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`);
          if (settled) return;
          settled = true;
          this.answers.push({ sentAt, version: String(res.headers['x-model-version'] ?? '') });
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => fail(`request: ${err.message}`));
      req.end();
    });
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
  }
}
