import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { LoadReport, OperatorServiceClient, type Endpoint } from '@helios/api';
import type { Logger } from '@helios/config';
import type { LoadTracker } from './load-tracker';

/** Options of a LoadReporter. */
export interface LoadReporterOptions {
  /** Control-plane gRPC addresses; after a failure the next one is tried. */
  servers: string[];
  deployment: string;
  /** This router's id among the deployment's reporters (its key under load/<deployment>/). */
  reporter: string;
  tracker: LoadTracker;
  /** The endpoints to report on: the live set, so every replica reported is one the control plane knows. */
  endpoints: () => readonly Endpoint[];
  /** Requests held for want of a Ready replica (see RequestHold). */
  held: () => number;
  intervalMs: number;
  logger: Logger;
}

/**
 * Sends the load this router sees to the control plane (ReportLoad) every intervalMs: in-flight
 * requests and requests/s per replica of its endpoint set, and the requests it holds while no
 * replica is Ready (docs/architecture.md, autoscaling). A
 * report that fails is not retried: the next one, a second later, says more. A report on a
 * replica that left the set meanwhile is refused (INVALID_ARGUMENT) and only logged at debug.
 */
export class LoadReporter {
  private readonly clients = new Map<string, OperatorServiceClient>();
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  private sending = false;

  constructor(private readonly options: LoadReporterOptions) {
    if (options.servers.length === 0) throw new Error('LoadReporter needs at least one control-plane address');
  }

  start(): void {
    this.timer ??= setInterval(() => void this.report(), this.options.intervalMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  /** Sends one report now (skipped while the previous one is still on its way). */
  async report(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    const { deployment, reporter, tracker, logger } = this.options;
    const replicas = tracker.take(this.options.endpoints().map((e) => e.replica), Date.now());
    const report = LoadReport.fromPartial({ deployment, reporter, replicas, heldRequests: this.options.held() });
    const server = this.options.servers[this.next % this.options.servers.length]!;
    try {
      await new Promise<void>((resolve, reject) => {
        this.client(server).reportLoad({ report }, new Metadata(), { deadline: Date.now() + this.options.intervalMs * 2 }, (err) => (err ? reject(err) : resolve()));
      });
    } catch (err) {
      const code = (err as ServiceError).code;
      if (code === status.INVALID_ARGUMENT) logger.debug({ err, deployment }, 'load report refused (the endpoint set changed meanwhile)');
      else {
        this.next++;
        logger.warn({ server, deployment, code: status[code] ?? code, message: (err as Error).message }, 'load report failed; the next goes to the next server');
      }
    } finally {
      this.sending = false;
    }
  }

  private client(server: string): OperatorServiceClient {
    let client = this.clients.get(server);
    if (!client) {
      client = new OperatorServiceClient(server, credentials.createInsecure());
      this.clients.set(server, client);
    }
    return client;
  }
}
