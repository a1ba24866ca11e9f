import { registerOnce as once } from '@helios/controller-runtime';
import { Counter, type Registry } from 'prom-client';

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
