import { createLogger, describeSettings, loadConfig } from '@helios/config';
import { startControlPlane } from './control-plane';
import { CONTROL_PLANE_SETTINGS } from './settings';

/** Entry point: `tsx apps/control-plane/src/main.ts [--flag value ...]`; `--help` lists the settings. */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`Helios control plane: the operator gRPC API and the controllers (on the elected leader).\n\nUsage: control-plane [--flag value ...]\n\n${describeSettings(CONTROL_PLANE_SETTINGS)}\n`);
    return;
  }
  const logger = createLogger('control-plane');
  let config;
  try {
    config = loadConfig(CONTROL_PLANE_SETTINGS, argv);
  } catch (err) {
    process.stderr.write(`control-plane: ${(err as Error).message}\nRun with --help to list the settings.\n`);
    process.exitCode = 2;
    return;
  }
  const running = await startControlPlane(config, logger);
  // SIGTERM / SIGINT: Nest runs the shutdown hooks (gRPC server, controllers, resign, etcd) and exits 0.
  running.app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
}

main().catch((err: unknown) => {
  const logger = createLogger('control-plane');
  logger.fatal({ err }, 'control plane failed to start');
  process.exitCode = 1;
  // Open handles (an etcd client retrying) must not keep a failed start alive.
  setTimeout(() => process.exit(1), 100).unref();
});
