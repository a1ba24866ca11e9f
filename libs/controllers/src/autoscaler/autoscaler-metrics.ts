import { registerOnce as once } from '@helios/controller-runtime';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The autoscaler's own metrics, per autoscaled deployment:
 * - `helios_autoscaler_desired_replicas{deployment}` the count it decided last;
 * - `helios_autoscaler_current_replicas{deployment}` spec.replicas before that decision;
 * - `helios_autoscaler_ready_replicas{deployment}` Ready replicas it decided with;
 * - `helios_autoscaler_observed_load{deployment,metric}` the stable window's average total of each
 *   followed signal (in-flight, queue-depth, requests-per-second, gauge:<name>);
 * - `helios_autoscaler_panic{deployment}` 1 while the panic window drives the count;
 * - `helios_autoscaler_decisions_total{deployment,reason}` count changes, by reason.
 */
export class AutoscalerMetrics {
  readonly desired: Gauge<'deployment'>;
  readonly current: Gauge<'deployment'>;
  readonly ready: Gauge<'deployment'>;
  readonly observed: Gauge<'deployment' | 'metric'>;
  readonly panic: Gauge<'deployment'>;
  readonly decisions: Counter<'deployment' | 'reason'>;

  constructor(registry: Registry) {
    const gauge = <L extends string>(name: string, help: string, labelNames: L[]) => once(registry, name, () => new Gauge<L>({ name, help, labelNames, registers: [registry] }));
    this.desired = gauge('helios_autoscaler_desired_replicas', 'Replica count the autoscaler decided last, per deployment.', ['deployment']);
    this.current = gauge('helios_autoscaler_current_replicas', 'spec.replicas the autoscaler decided from, per deployment.', ['deployment']);
    this.ready = gauge('helios_autoscaler_ready_replicas', 'Ready replicas the autoscaler decided with, per deployment.', ['deployment']);
    this.observed = gauge('helios_autoscaler_observed_load', 'Stable-window average total of each followed signal, per deployment.', ['deployment', 'metric']);
    this.panic = gauge('helios_autoscaler_panic', '1 while the panic window drives the replica count.', ['deployment']);
    this.decisions = once(registry, 'helios_autoscaler_decisions_total', () =>
      new Counter({ name: 'helios_autoscaler_decisions_total', help: 'Replica count changes the autoscaler made, by reason.', labelNames: ['deployment', 'reason'], registers: [registry] }),
    );
  }

  /** Drops a deployment's series (it was deleted or is no longer autoscaled), `metrics` being the signals it followed. */
  forget(deployment: string, metrics: readonly string[]): void {
    for (const gauge of [this.desired, this.current, this.ready, this.panic]) gauge.remove({ deployment });
    for (const metric of metrics) this.observed.remove({ deployment, metric });
  }
}
