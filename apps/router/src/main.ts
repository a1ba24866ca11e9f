import { parseHostPort } from '@helios/config';
import { EndpointSet } from '@helios/endpoints-client';
import { runComponent } from '@helios/launcher';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics } from 'prom-client';
import { LoadReporter } from './load-reporter';
import { LoadTracker } from './load-tracker';
import { RequestHold } from './request-hold';
import { RouterMetrics } from './router-metrics';
import { resolveRouterSettings } from './router-settings';
import { createRouter } from './router-server';

const DEFAULTS = resolveRouterSettings();

const SETTINGS = {
  listen: { flag: 'listen', env: 'HELIOS_ROUTER_LISTEN', default: '127.0.0.1:8080', doc: 'host:port the router serves on' },
  server: { flag: 'server', env: 'HELIOS_SERVER', default: '127.0.0.1:50051', doc: 'control-plane gRPC addresses, comma-separated' },
  deployment: { flag: 'deployment', env: 'HELIOS_DEPLOYMENT', default: '', doc: 'deployment whose endpoints to balance over (required)' },
  retries: { flag: 'retries', env: 'HELIOS_ROUTER_RETRIES', default: DEFAULTS.retries, doc: 'further attempts on other endpoints after a connection error' },
  ejectMs: { flag: 'eject-ms', env: 'HELIOS_ROUTER_EJECT_MS', default: DEFAULTS.ejectMs, doc: 'skip an endpoint that refused a connection for this long (0: never)' },
  upstreamTimeoutMs: { flag: 'upstream-timeout-ms', env: 'HELIOS_ROUTER_UPSTREAM_TIMEOUT_MS', default: DEFAULTS.upstreamTimeoutMs, doc: 'an upstream silent this long answers 504' },
  holdTimeoutMs: { flag: 'hold-timeout-ms', env: 'HELIOS_ROUTER_HOLD_TIMEOUT_MS', default: 120_000, min: 0, doc: 'hold a request this long while no replica is Ready, then 503 (0: answer 503 at once); longer than a cold start' },
  maxHeldRequests: { flag: 'max-held-requests', env: 'HELIOS_ROUTER_MAX_HELD_REQUESTS', default: 1_000, min: 1, doc: 'requests held at most while no replica is Ready; more are answered 503' },
  reportLoad: { flag: 'report-load', env: 'HELIOS_ROUTER_REPORT_LOAD', default: true, doc: 'report the load it sees to the control plane (ReportLoad) for the autoscaler' },
  reportIntervalMs: { flag: 'report-interval-ms', env: 'HELIOS_ROUTER_REPORT_INTERVAL_MS', default: 1_000, min: 100, doc: 'how often the load is reported' },
  reporterId: { flag: 'reporter-id', env: 'HELIOS_ROUTER_REPORTER_ID', default: `router-${hostname()}-${process.pid}`, doc: "this router's id among the deployment's load reporters" },
};

/** Composition root of the router: one deployment's endpoint set behind one HTTP listener. */
runComponent({
  name: 'router',
  summary: "Helios router: balances HTTP requests over one deployment's Ready endpoints, which it follows from the control plane.",
  usage: 'router --deployment <name> [--flag value ...]',
  settings: SETTINGS,
  check(config) {
    if (!config.deployment) throw new Error('--deployment is required');
    parseHostPort(config.listen);
  },
  async start(config, { logger: log, onStop }) {
    const endpoints = new EndpointSet({ servers: config.server, deployment: config.deployment, logger: log });
    onStop('endpoint set', () => endpoints.close());
    endpoints.on('change', (change) => log.info({ endpoints: change.endpoints.map((e) => `${e.replica}@${e.address}`), added: change.added.length, removed: change.removed.length }, 'endpoint set changed'));
    const metrics = new RouterMetrics(() => endpoints.list().length);
    collectDefaultMetrics({ register: metrics.registry });
    const load = new LoadTracker(Date.now());
    let reporter: LoadReporter | undefined;
    // The first request held wakes a report at once: 0 -> 1 need not wait for the next interval.
    const hold = config.holdTimeoutMs > 0 ? new RequestHold({ maxHeld: config.maxHeldRequests, timeoutMs: config.holdTimeoutMs, onHeld: () => void reporter?.report() }) : undefined;
    if (hold) endpoints.on('change', (change) => change.endpoints.length > 0 && hold.release());
    const server = createRouter({ deployment: config.deployment, endpoints, metrics, load, hold, retries: config.retries, ejectMs: config.ejectMs, upstreamTimeoutMs: config.upstreamTimeoutMs, logger: log });
    if (config.reportLoad) {
      const servers = config.server.split(',').map((s) => s.trim()).filter(Boolean);
      reporter = new LoadReporter({
        servers,
        deployment: config.deployment,
        reporter: config.reporterId,
        tracker: load,
        endpoints: () => endpoints.list(),
        held: () => hold?.size ?? 0,
        intervalMs: config.reportIntervalMs,
        logger: log,
      });
      reporter.start();
      const started = reporter;
      onStop('load reporter', () => started.close());
    }

    const { host, port } = parseHostPort(config.listen);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    // Closed first: requests in flight finish (on the endpoint set, still open), at most 10 s.
    onStop('HTTP server', () => closeServer(server, 10_000));
    endpoints.start();
    const bound = server.address() as AddressInfo;
    log.info({ listen: `${bound.address}:${bound.port}`, server: config.server, deployment: config.deployment }, 'router listening');
  },
});

/** Stops accepting, closes idle connections, and resolves once the requests in flight are done, or after `limitMs`. */
function closeServer(server: Server, limitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, limitMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
