import { runComponent } from '@helios/launcher';
import { startControlPlane } from './control-plane';
import { parseHostPort } from '@helios/config';
import { CONTROL_PLANE_SETTINGS } from './settings';

/** Entry point: `tsx apps/control-plane/src/main.ts [--flag value ...]`; `--help` lists the settings. */
runComponent({
  name: 'control-plane',
  summary: 'Helios control plane: the operator gRPC API and the controllers (on the elected leader).',
  settings: CONTROL_PLANE_SETTINGS,
  check(config) {
    parseHostPort(config.grpcAddr, '--grpc-addr');
    parseHostPort(config.metricsAddr, '--metrics-addr');
  },
  async start(config, { logger, onStop }) {
    const running = await startControlPlane(config, logger);
    // Nest runs the shutdown hooks: gRPC server, controllers, resign, HTTP server, etcd client.
    onStop('control plane', () => running.close());
  },
});
