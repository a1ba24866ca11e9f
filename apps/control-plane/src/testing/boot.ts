import { randomUUID } from 'node:crypto';
import { createLogger, loadConfig } from '@helios/config';
import { startControlPlane, type RunningControlPlane } from '../control-plane';
import { CONTROL_PLANE_SETTINGS, type ControlPlaneConfig } from '../settings';

/** Boots a real control plane in-process on free ports against the test etcd, under its own key root. */
export function bootControlPlane(etcd: string, overrides: Partial<ControlPlaneConfig> = {}): Promise<RunningControlPlane> {
  const config: ControlPlaneConfig = {
    // Every default (capacity and failure knobs too), then what a test needs.
    ...loadConfig(CONTROL_PLANE_SETTINGS, [], {}),
    etcd,
    grpcAddr: '127.0.0.1:0',
    metricsAddr: '127.0.0.1:0',
    id: `cp-${randomUUID().slice(0, 8)}`,
    leaseTtl: 2,
    root: `/t/${randomUUID()}/helios/v1`,
    ...overrides,
  };
  return startControlPlane(config, createLogger('control-plane', process.env.HELIOS_LOG_LEVEL ?? 'error'));
}
