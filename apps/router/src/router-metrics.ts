import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The router's Prometheus metrics, on a registry of their own (served at /metrics). */
export class RouterMetrics {
  readonly registry: Registry;
  /** Answers to clients by HTTP status. */
  readonly requests: Counter<'code'>;
  /** Requests sent to each replica (attempts, including failed ones and retries). */
  readonly upstreamRequests: Counter<'replica'>;
  /** Attempts that failed to reach a replica, by error code (ECONNREFUSED, ECONNRESET, ...). */
  readonly upstreamErrors: Counter<'error'>;
  /** Attempts repeated on another endpoint after a connection error. */
  readonly retries: Counter;
  /** Endpoints in the live set. */
  readonly endpoints: Gauge;
  /** Time from request to the end of the answer, in seconds. */
  readonly duration: Histogram<'code'>;

  constructor(endpointCount: () => number, registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.requests = new Counter({ name: 'helios_router_requests_total', help: 'Requests answered, by HTTP status', labelNames: ['code'], registers });
    this.upstreamRequests = new Counter({ name: 'helios_router_upstream_requests_total', help: 'Requests sent to each replica', labelNames: ['replica'], registers });
    this.upstreamErrors = new Counter({ name: 'helios_router_upstream_errors_total', help: 'Attempts that could not reach a replica, by error', labelNames: ['error'], registers });
    this.retries = new Counter({ name: 'helios_router_retries_total', help: 'Attempts repeated on another endpoint after a connection error', registers });
    this.endpoints = new Gauge({
      name: 'helios_router_endpoints',
      help: 'Endpoints in the live set',
      registers,
      collect() {
        this.set(endpointCount());
      },
    });
    this.duration = new Histogram({
      name: 'helios_router_request_duration_seconds',
      help: 'Time to answer a request, in seconds',
      labelNames: ['code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }
}
