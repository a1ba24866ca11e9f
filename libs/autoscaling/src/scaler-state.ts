import type { AutoscalingPolicy } from './autoscaling-policy';
import type { LoadObservation } from './observe-load';

/** One observation kept in the windows. */
export interface LoadSample {
  at: number;
  up: number[];
  down: number[];
}

/**
 * What the autoscaler remembers of one deployment between decisions: a plain value, passed in
 * and returned by decideScale. Only what the longest window needs is kept.
 */
export interface ScalerState {
  /** Observations of the stable window (the panic window is its tail), oldest first. */
  samples: LoadSample[];
  /** Counts recommended during the scale-down stabilization window, oldest first. */
  recommendations: { at: number; replicas: number }[];
  /** The first observation this state holds: windows before it are unknown, not idle. */
  observingSince?: number;
  /** The last observation. */
  lastObservedAt?: number;
  /** The last observation that saw demand. */
  lastBusyAt?: number;
  /** Panic lasts until then (a calm stable window after the last over-threshold moment). */
  panicUntil?: number;
  lastScaleDownAt?: number;
}

/** A state that has seen nothing (a deployment new to this leader). */
export const EMPTY_SCALER_STATE: ScalerState = Object.freeze({ samples: [], recommendations: [] }) as ScalerState;

/**
 * Adds an observation to the windows and drops what no window reaches any more. Observations
 * closer than sampleSpacingMs to the last sample are skipped (a burst of events must not outweigh
 * the steady ticks in an average), but still count as demand.
 */
export function recordObservation(state: ScalerState, policy: AutoscalingPolicy, now: number, observation: LoadObservation | undefined): ScalerState {
  const keepFrom = now - policy.stableWindowMs;
  const recommendationsFrom = now - policy.scaleDownStabilizationMs;
  let samples = state.samples.filter((s) => s.at > keepFrom);
  const last = samples[samples.length - 1];
  if (observation && (!last || now - last.at >= policy.sampleSpacingMs)) samples = [...samples, { at: now, up: observation.up, down: observation.down }];
  return {
    ...state,
    samples,
    recommendations: state.recommendations.filter((r) => r.at >= recommendationsFrom),
    observingSince: state.observingSince ?? (observation ? now : undefined),
    lastObservedAt: observation ? now : state.lastObservedAt,
    lastBusyAt: observation?.busy ? now : state.lastBusyAt,
  };
}

/** The average of `value` over the samples of the last `windowMs`; undefined when the window holds none. */
export function windowAverage(samples: readonly LoadSample[], now: number, windowMs: number, value: (s: LoadSample) => number): number | undefined {
  let sum = 0;
  let n = 0;
  for (const sample of samples) {
    if (sample.at <= now - windowMs) continue;
    sum += value(sample);
    n++;
  }
  return n === 0 ? undefined : sum / n;
}
