import { LoadSignal, type LoadReport, type ReplicaLoad } from '@helios/api';
import type { MetricTarget } from './autoscaling-policy';

/** A replica of the deployment as the autoscaler sees it. */
export interface ReplicaView {
  name: string;
  /** Ready and serving (not retiring). */
  ready: boolean;
}

/** What the load reports say at one moment, per followed metric (in the policy's order). */
export interface LoadObservation {
  /** The deployment's total, replicas without a report counted as idle: what a scale-up goes by. */
  up: number[];
  /**
   * The total with every Ready replica that did not report counted at its target: what a
   * scale-down goes by, so missing reports never cause one (the Kubernetes HPA's rule for
   * missing metrics).
   */
  down: number[];
  /**
   * Any demand: a signal above zero, held requests, or a Ready replica nobody reported on (it
   * may be busy). Only a deployment seen idle can go to zero.
   */
  busy: boolean;
}

/**
 * Sums the reports of every reporter into one observation: the signals several reporters give
 * one replica add up (each router sees its own share of a replica's requests); reports on
 * replicas that are gone or retiring are dropped; held requests (waiting for any replica) add
 * to the in-flight and queue-depth totals, since they are demand no replica serves yet.
 * Undefined when there is no report at all: nothing is known, so nothing may be decided on it.
 *
 * Example: target in-flight, replicas a and b Ready, c starting; router 1 reports a: 3, c: 1,
 * router 2 reports a: 2 and 4 held -> up = 3 + 2 + 1 + 4 = 10; b is Ready and unreported, so
 * down = 10 + b's target.
 */
export function observeLoad(metrics: readonly MetricTarget[], reports: readonly LoadReport[], replicas: readonly ReplicaView[]): LoadObservation | undefined {
  if (reports.length === 0) return undefined;
  const live = new Set(replicas.map((r) => r.name));
  // Per metric: a replica whose report lacks a gauge is as unreported for that gauge.
  const reported = metrics.map(() => new Set<string>());
  const up = metrics.map(() => 0);
  let held = 0;
  for (const report of reports) {
    held += report.heldRequests;
    for (const load of report.replicas) {
      if (!live.has(load.replica)) continue;
      metrics.forEach((metric, i) => {
        const value = signalOf(metric, load);
        if (value === undefined) return;
        reported[i]!.add(load.replica);
        up[i]! += value;
      });
    }
  }
  metrics.forEach((metric, i) => {
    if (metric.signal === LoadSignal.LOAD_SIGNAL_IN_FLIGHT || metric.signal === LoadSignal.LOAD_SIGNAL_QUEUE_DEPTH) up[i]! += held;
  });
  const ready = replicas.filter((r) => r.ready);
  const missing = metrics.map((_, i) => ready.filter((r) => !reported[i]!.has(r.name)).length);
  const down = metrics.map((metric, i) => up[i]! + missing[i]! * metric.target);
  return { up, down, busy: missing.some((n) => n > 0) || held > 0 || up.some((v) => v > 0) };
}

/** The value of one metric's signal in one replica's load; undefined for a gauge it does not carry. */
function signalOf(metric: MetricTarget, load: ReplicaLoad): number | undefined {
  switch (metric.signal) {
    case LoadSignal.LOAD_SIGNAL_IN_FLIGHT:
      return load.inFlight;
    case LoadSignal.LOAD_SIGNAL_QUEUE_DEPTH:
      return load.queueDepth;
    case LoadSignal.LOAD_SIGNAL_REQUESTS_PER_SECOND:
      return load.requestsPerSecond;
    case LoadSignal.LOAD_SIGNAL_GAUGE:
      return load.gauges[metric.gauge];
    default:
      return undefined;
  }
}
