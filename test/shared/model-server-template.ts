import { join } from 'node:path';
import type { ReplicaTemplate } from '@helios/api';
import { REPO_ROOT } from '@helios/launcher';

/** What the benchmark's model-server replicas do. */
export interface ModelServerOptions {
  /** MODEL_VERSION, echoed in every answer. */
  version: string;
  /** Time each request takes, ms. */
  latencyMs: number;
  /** GPUs per replica. */
  gpus: number;
  /** A broken version: /healthz never turns 200. */
  broken?: boolean;
}

/**
 * A replica template running apps/model-server from this checkout under tsx (as the node
 * agent's process runtime starts it), probed on /healthz every second.
 */
export function modelServerTemplate(o: ModelServerOptions): Partial<ReplicaTemplate> {
  return {
    command: [process.execPath, '--require', require.resolve('tsx/cjs'), join(REPO_ROOT, 'apps/model-server/src/main.ts')],
    gpus: o.gpus,
    gpuType: 'h100',
    readinessProbe: { path: '/healthz', periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 2, initialDelaySeconds: 0 },
    env: {
      MODEL_VERSION: o.version,
      MODEL_LATENCY_MS: String(o.latencyMs),
      MODEL_FAIL_READINESS: String(o.broken ?? false),
      TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.json'),
      HELIOS_LOG_LEVEL: 'warn',
      HELIOS_LOG_FORMAT: 'json',
    },
  };
}
