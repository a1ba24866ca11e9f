import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registerOnce as once } from './register-once';

/**
 * prom-client, loaded on first use. This barrel also serves the node agent, which runs a
 * ControllerRunner without metrics: a top-level import would load prom-client and
 * @opentelemetry/api (about 90 files) into every node-agent process for nothing (bench:footprint).
 */
function promClient(): typeof import('prom-client') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('prom-client') as typeof import('prom-client');
}

/** Result label of helios_controller_reconcile_total. */
export type ReconcileOutcome = 'success' | 'requeue' | 'error' | 'terminal';

/**
 * The metrics every controller reports, labelled by controller name:
 * - `helios_controller_reconcile_total{controller,result}` reconciles by outcome;
 * - `helios_controller_reconcile_errors_total{controller}` failed reconciles (retried or terminal);
 * - `helios_controller_reconcile_duration_seconds{controller}` time per reconcile;
 * - `helios_controller_queue_depth{controller}` keys waiting;
 * - `helios_controller_running{controller}` 1 while the controller runs (on the leader).
 * Metrics are registered once per prom-client Registry and shared by the controllers using it;
 * `registry` is where a controller registers metrics of its own, so they share the /metrics page.
 */
export class ControllerMetrics {
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly reconcileDuration: Histogram<'controller'>;
  readonly queueDepth: Gauge<'controller'>;
  readonly running: Gauge<'controller'>;

  constructor(readonly registry: Registry = promClient().register) {
    const { Counter, Gauge, Histogram } = promClient();
    this.reconcileTotal = once(registry, 'helios_controller_reconcile_total', () =>
      new Counter({ name: 'helios_controller_reconcile_total', help: 'Reconciles by controller and result.', labelNames: ['controller', 'result'], registers: [registry] }),
    );
    this.reconcileErrors = once(registry, 'helios_controller_reconcile_errors_total', () =>
      new Counter({ name: 'helios_controller_reconcile_errors_total', help: 'Reconciles that failed, by controller.', labelNames: ['controller'], registers: [registry] }),
    );
    this.reconcileDuration = once(registry, 'helios_controller_reconcile_duration_seconds', () =>
      new Histogram({
        name: 'helios_controller_reconcile_duration_seconds',
        help: 'Time one reconcile takes, by controller.',
        labelNames: ['controller'],
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
    );
    this.queueDepth = once(registry, 'helios_controller_queue_depth', () =>
      new Gauge({ name: 'helios_controller_queue_depth', help: 'Keys waiting in the work queue, by controller.', labelNames: ['controller'], registers: [registry] }),
    );
    this.running = once(registry, 'helios_controller_running', () =>
      new Gauge({ name: 'helios_controller_running', help: '1 while the controller runs (on the leader), by controller.', labelNames: ['controller'], registers: [registry] }),
    );
  }

  /** Records one finished reconcile. */
  observe(controller: string, outcome: ReconcileOutcome, seconds: number): void {
    this.reconcileTotal.inc({ controller, result: outcome });
    if (outcome === 'error' || outcome === 'terminal') this.reconcileErrors.inc({ controller });
    this.reconcileDuration.observe({ controller }, seconds);
  }
}
