import { randomUUID } from 'node:crypto';
import { createLogger } from '@helios/config';
import { startControlPlane, type RunningControlPlane } from '../control-plane';
import { defaultCapacitySettings } from '../controllers/capacity/capacity-settings';
import type { ControlPlaneConfig } from '../settings';

/** Boots a real control plane in-process on free ports against the test etcd, under its own key root. */
export function bootControlPlane(etcd: string, overrides: Partial<ControlPlaneConfig> = {}): Promise<RunningControlPlane> {
  const config: ControlPlaneConfig = {
    etcd,
    grpcAddr: '127.0.0.1:0',
    metricsAddr: '127.0.0.1:0',
    id: `cp-${randomUUID().slice(0, 8)}`,
    leaseTtl: 2,
    root: `/t/${randomUUID()}/helios/v1`,
    ...defaultCapacitySettings(),
    ...overrides,
  };
  return startControlPlane(config, createLogger('control-plane', process.env.HELIOS_LOG_LEVEL ?? 'error'));
}
