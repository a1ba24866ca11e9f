import type { Logger } from '@helios/config';
import { runComponent } from '@helios/launcher';
import { hostname } from 'node:os';
import { createModelServer, type ModelServer } from './model-server';

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
};

/** The model server process: serve until SIGTERM, then finish what is in flight and exit 0. */
runComponent({
  name: 'model-server',
  summary: 'Helios model server: a stand-in for a model, serving /v1/infer and /healthz (the replica a node agent runs).',
  settings: SETTINGS,
  async start(config, { logger: log, onStop }) {
    const model = createModelServer(config);
    const port = await model.listen(config.port, config.host);
    onStop('model server', () => finishInFlight(model, config.shutdownTimeoutMs, log));
    log.info({ host: config.host, port, version: config.version, replica: config.replica }, 'model server listening');

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
  },
});

/** Stops taking connections and waits for the requests in flight; throws (exit 1) if they outlast `timeoutMs`. */
async function finishInFlight(model: ModelServer, timeoutMs: number, log: Logger): Promise<void> {
  log.info({ inFlight: model.inFlight }, 'no new connections; finishing requests in flight');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${model.inFlight} requests still in flight at the shutdown timeout (${timeoutMs} ms)`)), timeoutMs);
  });
  try {
    await Promise.race([model.shutdown(), timeout]);
    log.info('model server stopped');
  } finally {
    clearTimeout(timer);
  }
}
