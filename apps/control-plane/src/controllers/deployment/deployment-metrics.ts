import type { ControllerMetrics } from '@helios/controller-runtime';
import { Counter, register as globalRegistry, type Registry } from 'prom-client';

/**
 * The deployment controller's own metrics:
 * - `helios_deployment_rollbacks_total{deployment,reason}` automatic rollbacks, by reason
 *   (ProgressDeadlineExceeded, ReplicasFailing);
 * - `helios_deployment_replica_writes_total{deployment,action}` replicas created, retired,
 *   deleted and relabelled, which shows a rollout's pace.
 */
export class DeploymentMetrics {
  readonly rollbacks: Counter<'deployment' | 'reason'>;
  readonly replicaWrites: Counter<'deployment' | 'action'>;

  constructor(registry: Registry) {
    this.rollbacks = once(registry, 'helios_deployment_rollbacks_total', () =>
      new Counter({
        name: 'helios_deployment_rollbacks_total',
        help: 'Automatic rollbacks of a deployment to its stable revision, by reason.',
        labelNames: ['deployment', 'reason'],
        registers: [registry],
      }),
    );
    this.replicaWrites = once(registry, 'helios_deployment_replica_writes_total', () =>
      new Counter({
        name: 'helios_deployment_replica_writes_total',
        help: 'Replicas the deployment controller created, retired, deleted or relabelled.',
        labelNames: ['deployment', 'action'],
        registers: [registry],
      }),
    );
  }
}

/**
 * The registry the control plane's controller metrics live in (its /metrics endpoint serves
 * it). ControllerDeps carries only the ControllerMetrics built on it, so it is read back from
 * one of them; the global registry if that ever fails.
 */
export function registryOf(metrics: ControllerMetrics): Registry {
  const registers = (metrics.reconcileTotal as unknown as { registers?: Registry[] }).registers;
  return registers?.[0] ?? globalRegistry;
}

// prom-client refuses a second metric of one name in a registry: a controller built again on
// the same registry (a new leadership term, a test) shares the first.
function once<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
