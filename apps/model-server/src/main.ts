import { createLogger, describeSettings, loadConfig } from '@helios/config';
import { hostname } from 'node:os';
import { createModelServer } from './model-server';

const SETTINGS = {
  port: { flag: 'port', env: 'PORT', default: 8000, doc: 'port to serve on (the node agent sets PORT)' },
  host: { flag: 'host', env: 'HOST', default: '127.0.0.1', doc: 'address to listen on' },
  version: { flag: 'version', env: 'MODEL_VERSION', default: 'v1', doc: 'model version reported in answers and x-model-version' },
  latencyMs: { flag: 'latency-ms', env: 'MODEL_LATENCY_MS', default: 0, doc: 'time each inference takes, in ms' },
  startupDelayMs: { flag: 'startup-delay-ms', env: 'MODEL_STARTUP_DELAY_MS', default: 0, doc: 'not ready (/healthz 503) for this long after start' },
  failReadiness: { flag: 'fail-readiness', env: 'MODEL_FAIL_READINESS', default: false, doc: '/healthz always answers 503: a broken version' },
  replica: { flag: 'replica', env: 'HELIOS_REPLICA', default: hostname(), doc: 'replica name reported in answers (the node agent sets HELIOS_REPLICA)' },
  exitWithParent: { flag: 'exit-with-parent', env: 'MODEL_EXIT_WITH_PARENT', default: true, doc: 'exit when the process that started it (the node agent) is gone, as with its host' },
  shutdownTimeoutMs: { flag: 'shutdown-timeout-ms', env: 'MODEL_SHUTDOWN_TIMEOUT_MS', default: 30_000, doc: 'exit 1 if requests in flight take longer than this after SIGTERM' },
  help: { flag: 'help', env: 'MODEL_HELP', default: false, doc: 'print this help' },
};

/** The model server process: serve until SIGTERM, then finish what is in flight and exit 0. */
async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger('model-server');
  const model = createModelServer(config);
  const port = await model.listen(config.port, config.host);
  log.info({ host: config.host, port, version: config.version, replica: config.replica }, 'model server listening');

  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    log.info({ signal, inFlight: model.inFlight }, 'shutting down: no new connections, finishing requests in flight');
    const timer = setTimeout(() => {
      log.error({ inFlight: model.inFlight }, 'requests still in flight at the shutdown timeout');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    void model.shutdown().then(() => {
      log.info('model server stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  if (config.exitWithParent) {
    // A node agent killed with SIGKILL cannot stop its replicas; on a real host they die with
    // the host. Simulated hosts share one machine, so a replica notices its parent is gone
    // (it is re-parented) and exits, leaving no orphan behind.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) {
        log.warn({ parent }, 'the process that started this replica is gone; exiting');
        process.exit(1);
      }
    }, 1_000).unref();
  }
}

/** Reads flags and environment; prints help or a usage error and exits when that is all there is to do. */
function readConfig() {
  try {
    const config = loadConfig(SETTINGS);
    if (config.help) {
      process.stdout.write(`helios model server\n${describeSettings(SETTINGS)}\n`);
      process.exit(0);
    }
    return config;
  } catch (err) {
    process.stderr.write(`model-server: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`model-server: ${err.message}\n`);
  process.exit(1);
});
