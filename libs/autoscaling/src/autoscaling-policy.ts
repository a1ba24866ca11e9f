import { LoadSignal, type Autoscaling } from '@helios/api';

/** One signal the autoscaler follows, with its target value per replica. */
export interface MetricTarget {
  signal: LoadSignal;
  /** The gauge's name, for LOAD_SIGNAL_GAUGE; '' otherwise. */
  gauge: string;
  /** Target value per replica, > 0. */
  target: number;
}

/** A deployment's autoscaling with every default applied, times in ms. */
export interface AutoscalingPolicy {
  minReplicas: number;
  maxReplicas: number;
  /** The signals followed; the largest count wins. Never empty for a valid spec. */
  metrics: MetricTarget[];
  /** Fraction of the target within which the count holds. */
  tolerance: number;
  stableWindowMs: number;
  panicWindowMs: number;
  /** Panic when the panic window asks for this multiple of the Ready replicas. */
  panicThreshold: number;
  scaleDownStabilizationMs: number;
  /** Fraction of the current count one scale-down step may remove (at least one replica). */
  scaleDownMaxStep: number;
  scaleDownStepMs: number;
  /** With minReplicas 0: how long without any load before going to zero. */
  scaleToZeroIdleMs: number;
  /** Observations closer together than this are one sample (reconciles woken by events come in bursts). */
  sampleSpacingMs: number;
}

/**
 * The defaults, from the systems whose rules these are: a 10 % tolerance and a 300 s scale-down
 * stabilization (the Kubernetes HPA's), a 60 s stable and a 6 s panic window panicking at 200 %
 * of the Ready replicas (Knative's KPA), scale-down steps of at most half the replicas every 15 s
 * (the HPA's default period; the KPA's max scale-down rate 2), and 300 s idle before zero, longer
 * than the cold start of a large model.
 */
export const AUTOSCALING_DEFAULTS = {
  tolerance: 0.1,
  stableWindowSeconds: 60,
  panicWindowSeconds: 6,
  panicThresholdPercent: 200,
  scaleDownStabilizationSeconds: 300,
  scaleDownMaxStepPercent: 50,
  scaleDownStepSeconds: 15,
  scaleToZeroIdleSeconds: 300,
  sampleSpacingMs: 1_000,
} as const;

/**
 * Applies the defaults to a spec's autoscaling, the one place they are applied (a zero field
 * means "the default"). The followed metrics are in-flight requests at targetLoad (when it is
 * set) followed by spec.metrics.
 */
export function resolveAutoscalingPolicy(spec: Autoscaling): AutoscalingPolicy {
  const d = AUTOSCALING_DEFAULTS;
  const metrics: MetricTarget[] = [
    ...(spec.targetLoad > 0 ? [{ signal: LoadSignal.LOAD_SIGNAL_IN_FLIGHT, gauge: '', target: spec.targetLoad }] : []),
    ...(spec.metrics ?? []).map((m) => ({ signal: m.signal, gauge: m.signal === LoadSignal.LOAD_SIGNAL_GAUGE ? m.gauge : '', target: m.target })),
  ];
  return {
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    metrics,
    tolerance: spec.tolerance || d.tolerance,
    stableWindowMs: (spec.stableWindowSeconds || d.stableWindowSeconds) * 1000,
    panicWindowMs: (spec.panicWindowSeconds || d.panicWindowSeconds) * 1000,
    panicThreshold: (spec.panicThresholdPercent || d.panicThresholdPercent) / 100,
    scaleDownStabilizationMs: (spec.scaleDownStabilizationSeconds || d.scaleDownStabilizationSeconds) * 1000,
    scaleDownMaxStep: (spec.scaleDownMaxStepPercent || d.scaleDownMaxStepPercent) / 100,
    scaleDownStepMs: (spec.scaleDownStepSeconds || d.scaleDownStepSeconds) * 1000,
    scaleToZeroIdleMs: (spec.scaleToZeroIdleSeconds || d.scaleToZeroIdleSeconds) * 1000,
    sampleSpacingMs: d.sampleSpacingMs,
  };
}

/** `in-flight`, `queue-depth`, `requests-per-second`, `gauge:kv-cache`: a metric as messages name it. */
export function metricName(metric: Pick<MetricTarget, 'signal' | 'gauge'>): string {
  switch (metric.signal) {
    case LoadSignal.LOAD_SIGNAL_IN_FLIGHT:
      return 'in-flight';
    case LoadSignal.LOAD_SIGNAL_QUEUE_DEPTH:
      return 'queue-depth';
    case LoadSignal.LOAD_SIGNAL_REQUESTS_PER_SECOND:
      return 'requests-per-second';
    case LoadSignal.LOAD_SIGNAL_GAUGE:
      return `gauge:${metric.gauge}`;
    default:
      return `signal-${metric.signal}`;
  }
}
