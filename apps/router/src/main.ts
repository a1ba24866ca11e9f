import { createLogger, describeSettings, loadConfig } from '@helios/config';
import { EndpointSet } from '@helios/endpoints-client';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics } from 'prom-client';
import { parseHostPort } from './listen-address';
import { RouterMetrics } from './router-metrics';
import { createRouter } from './router-server';

const SETTINGS = {
  listen: { flag: 'listen', env: 'HELIOS_ROUTER_LISTEN', default: '127.0.0.1:8080', doc: 'host:port the router serves on' },
  server: { flag: 'server', env: 'HELIOS_SERVER', default: '127.0.0.1:50051', doc: 'control-plane gRPC addresses, comma-separated' },
  deployment: { flag: 'deployment', env: 'HELIOS_DEPLOYMENT', default: '', doc: 'deployment whose endpoints to balance over (required)' },
  retries: { flag: 'retries', env: 'HELIOS_ROUTER_RETRIES', default: 1, doc: 'further attempts on other endpoints after a connection error' },
  ejectMs: { flag: 'eject-ms', env: 'HELIOS_ROUTER_EJECT_MS', default: 5_000, doc: 'skip an endpoint that refused a connection for this long (0: never)' },
  upstreamTimeoutMs: { flag: 'upstream-timeout-ms', env: 'HELIOS_ROUTER_UPSTREAM_TIMEOUT_MS', default: 60_000, doc: 'an upstream silent this long answers 504' },
  help: { flag: 'help', env: 'HELIOS_ROUTER_HELP', default: false, doc: 'print this help' },
};

/** Composition root of the router: one deployment's endpoint set behind one HTTP listener. */
async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger('router');
  const endpoints = new EndpointSet({ servers: config.server, deployment: config.deployment, logger: log });
  endpoints.on('change', (change) => log.info({ endpoints: change.endpoints.map((e) => `${e.replica}@${e.address}`), added: change.added.length, removed: change.removed.length }, 'endpoint set changed'));
  const metrics = new RouterMetrics(() => endpoints.list().length);
  collectDefaultMetrics({ register: metrics.registry });
  const server = createRouter({ deployment: config.deployment, endpoints, metrics, retries: config.retries, ejectMs: config.ejectMs, upstreamTimeoutMs: config.upstreamTimeoutMs, logger: log });

  const { host, port } = parseHostPort(config.listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  endpoints.start();
  const bound = server.address() as AddressInfo;
  log.info({ listen: `${bound.address}:${bound.port}`, server: config.server, deployment: config.deployment }, 'router listening');

  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    log.info({ signal }, 'shutting down');
    endpoints.close();
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** Reads flags and environment; prints help or a usage error and exits when that is all there is to do. */
function readConfig() {
  try {
    const config = loadConfig(SETTINGS);
    if (config.help) {
      process.stdout.write(`helios router\n${describeSettings(SETTINGS)}\n`);
      process.exit(0);
    }
    if (!config.deployment) throw new Error('--deployment is required');
    parseHostPort(config.listen);
    return config;
  } catch (err) {
    process.stderr.write(`router: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`router: ${err.message}\n`);
  process.exit(1);
});
