import { registerOnce as once } from '@helios/controller-runtime';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the gauges read when Prometheus scrapes: the leader's caches, nothing on a standby. */
export interface NodeLifecycleGaugeSource {
  /** Node count by cell and phase name. */
  nodesByCellAndPhase(): Iterable<{ cell: string; phase: string; count: number }>;
  /** Cells the storm limiter holds Degraded now. */
  degradedCells(): number;
  /** Nodes waiting for their evictions, by cell. */
  waitingEvictions(): Iterable<{ cell: string; count: number }>;
}

/**
 * The node lifecycle controller's metrics:
 * - `helios_node_failure_detection_seconds` last successful keep-alive to NotReady, estimated as
 *   NotReady time - (heartbeat delete seen - lease TTL): etcd deletes the key one TTL after the
 *   last renewal it granted, plus up to its 500 ms expiry tick, so the estimate errs short by at
 *   most that tick and the watch delay;
 * - `helios_replica_replacement_seconds` node NotReady to a replacement replica of the same
 *   deployment turning Ready;
 * - `helios_nodes{cell,phase}` nodes by cell and phase;
 * - `helios_cells_degraded` cells held Degraded by the storm limiter;
 * - `helios_node_evictions_total{cell}` nodes whose replicas were failed;
 * - `helios_node_evictions_waiting{cell}` nodes whose evictions the limiter holds back.
 * Registered once per registry; gauges read the source of the running controller.
 */
export class NodeLifecycleMetrics {
  readonly detection: Histogram;
  readonly replacement: Histogram;
  readonly evictions: Counter<'cell'>;
  private source: NodeLifecycleGaugeSource | undefined;

  constructor(registry: Registry) {
    this.detection = once(registry, 'helios_node_failure_detection_seconds', () =>
      new Histogram({
        name: 'helios_node_failure_detection_seconds',
        help: 'Seconds from the last successful keep-alive of a node (estimated from its heartbeat delete and lease TTL) to NotReady.',
        buckets: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 30, 60],
        registers: [registry],
      }),
    );
    this.replacement = once(registry, 'helios_replica_replacement_seconds', () =>
      new Histogram({
        name: 'helios_replica_replacement_seconds',
        help: 'Seconds from a node turning NotReady to a replacement replica of the same deployment turning Ready.',
        buckets: [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600],
        registers: [registry],
      }),
    );
    this.evictions = once(registry, 'helios_node_evictions_total', () =>
      new Counter({ name: 'helios_node_evictions_total', help: 'Lost nodes whose replicas were failed, by cell.', labelNames: ['cell'], registers: [registry] }),
    );
    const source = () => this.source;
    once(registry, 'helios_nodes', () =>
      new Gauge({
        name: 'helios_nodes',
        help: 'Nodes by cell and phase (reported by the leader).',
        labelNames: ['cell', 'phase'],
        registers: [registry],
        collect() {
          this.reset();
          for (const { cell, phase, count } of source()?.nodesByCellAndPhase() ?? []) this.set({ cell, phase }, count);
        },
      }),
    );
    once(registry, 'helios_cells_degraded', () =>
      new Gauge({
        name: 'helios_cells_degraded',
        help: 'Cells held Degraded by the failure-storm limiter (reported by the leader).',
        registers: [registry],
        collect() {
          this.set(source()?.degradedCells() ?? 0);
        },
      }),
    );
    once(registry, 'helios_node_evictions_waiting', () =>
      new Gauge({
        name: 'helios_node_evictions_waiting',
        help: 'Lost nodes whose evictions the failure-storm limiter holds back, by cell.',
        labelNames: ['cell'],
        registers: [registry],
        collect() {
          this.reset();
          for (const { cell, count } of source()?.waitingEvictions() ?? []) this.set({ cell }, count);
        },
      }),
    );
  }

  /** Points the gauges at the running controller's state; undefined while not leading. */
  follow(source: NodeLifecycleGaugeSource | undefined): void {
    this.source = source;
  }
}
