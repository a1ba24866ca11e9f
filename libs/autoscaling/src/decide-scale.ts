import { metricName, type AutoscalingPolicy } from './autoscaling-policy';
import type { LoadObservation } from './observe-load';
import { recordObservation, windowAverage, type ScalerState } from './scaler-state';

/** What the autoscaler knows of a deployment at one moment. */
export interface ScaleSnapshot {
  /** ms since the epoch. */
  now: number;
  /** spec.replicas: the Ready replicas and those on their way. */
  current: number;
  /** Replicas Ready now. */
  ready: number;
  /** This moment's load (observeLoad); undefined when nobody reports. */
  observation?: LoadObservation;
  /** The last RequestReplicas count (already clamped); 0 or absent: none. */
  requested?: number;
}

/** Why a count was chosen. */
export type ScaleReason = 'Hold' | 'ScaleUp' | 'Panic' | 'ScaleDown' | 'ScaleToZero' | 'ScaleFromZero' | 'Requested' | 'Bounds';

/** The autoscaler's answer for one deployment at one moment. */
export interface ScaleDecision {
  /** The replica count to have; equal to current when nothing changes. */
  replicas: number;
  reason: ScaleReason;
  /** One line for people: what was observed and why this count. */
  message: string;
  /** True while the panic window drives the count. */
  panic: boolean;
  /** Per followed metric: the stable window's average total (what the metrics export). */
  observed: number[];
  /** The state to pass to the next decision. */
  state: ScalerState;
}

/**
 * Decides a deployment's replica count from its load, following the Kubernetes HPA and Knative's
 * KPA (docs/architecture.md, autoscaling). `state` holds the windows of samples and is returned
 * updated: the caller keeps it between decisions (a new leader starts from EMPTY_SCALER_STATE).
 *
 * 1. From zero (0 -> 1, decided apart from 1 -> N, as Knative's activator does): any demand, or a
 *    request, scales to max(1, min, requested) at once, with no window to fill.
 * 2. Out of [min, max] (the spec changed): back inside at once.
 * 3. Per metric, the stable window's average total T against target t per replica: when
 *    T / (t * current) is outside 1 +- tolerance, the count is ceil(T / t), the HPA's
 *    ceil(current * observed / target) with `observed` the average per current replica. The
 *    largest count over the metrics wins, and a RequestReplicas count is one more of them.
 *    `current` is spec.replicas, not the Ready ones: replicas on their way count as capacity, so
 *    new replicas that report nothing yet cannot make the count double again (2 -> 4 -> 8 -> 16).
 * 4. Panic (the KPA's rule): when the panic window asks for at least panicThreshold x the Ready
 *    replicas, scale up to what it asks at once, and make no scale-down until a whole stable
 *    window has passed without that.
 * 5. A scale-down goes to the largest count recommended during the stabilization window (the
 *    HPA's behavior), only once this state has observed a whole window, at most one step per
 *    scaleDownStepMs, each removing at most scaleDownMaxStep of the replicas, never below
 *    max(min, 1).
 * 6. To zero only with min 0, after scaleToZeroIdleMs in which every observation saw no demand
 *    at all (held requests, any signal, or a Ready replica without a report count as demand).
 *
 * Worked example (target 4 in flight, tolerance 0.1, 5 replicas, all Ready): the stable window
 * averages 38 in flight -> 38 / (4 * 5) = 1.9, outside 0.9..1.1 -> ceil(38 / 4) = 10; the panic
 * window averages 44 -> ceil(44 / 4) = 11 >= 2 x 5 -> panic: 11 at once, and no scale-down for
 * the next 60 s. Later, 11 Ready, the stable average falls to 19 -> ceil(19 / 4) = 5, but the
 * recommendations of the last 300 s include 11: hold until they age out; once they all say 5,
 * 11 -> 6 (at most 50 % a step) -> 5, 15 s apart.
 */
export function decideScale(policy: AutoscalingPolicy, previous: ScalerState, snapshot: ScaleSnapshot): ScaleDecision {
  const { now, current, ready } = snapshot;
  const requested = snapshot.requested ?? 0;
  const state = recordObservation(previous, policy, now, snapshot.observation);
  const floor = Math.max(policy.minReplicas, 1);
  const clamp = (n: number) => Math.min(policy.maxReplicas, Math.max(floor, n));
  const samples = state.samples;
  const stable = policy.metrics.map((_, i) => windowAverage(samples, now, policy.stableWindowMs, (s) => s.up[i]!));
  const result = (replicas: number, reason: ScaleReason, message: string, panic = false): ScaleDecision => ({ replicas, reason, message, panic, observed: stable.map((v) => v ?? 0), state });

  // 1. From zero.
  if (current === 0) {
    if (snapshot.observation?.busy || requested > 0) {
      const to = clamp(Math.max(1, requested));
      return result(to, 'ScaleFromZero', requested > 0 && !snapshot.observation?.busy ? `requested ${requested} while at zero` : `demand while at zero: ${describeDemand(policy, snapshot.observation)}`);
    }
    if (policy.minReplicas > 0) return result(policy.minReplicas, 'Bounds', `below minReplicas ${policy.minReplicas}`);
    return result(0, 'Hold', 'at zero, no demand');
  }

  // 2. Bounds.
  if (current > policy.maxReplicas) return result(policy.maxReplicas, 'Bounds', `above maxReplicas ${policy.maxReplicas}`);
  if (current < policy.minReplicas) return result(policy.minReplicas, 'Bounds', `below minReplicas ${policy.minReplicas}`);

  // 3. The stable recommendation, the largest over the metrics.
  let stableCount = 0;
  let stableWhy = '';
  policy.metrics.forEach((metric, i) => {
    const up = stable[i];
    const down = windowAverage(samples, now, policy.stableWindowMs, (s) => s.down[i]!);
    if (up === undefined || down === undefined) return;
    const capacity = metric.target * current;
    let count = current;
    if (up > capacity * (1 + policy.tolerance)) count = Math.ceil(up / metric.target);
    else if (down < capacity * (1 - policy.tolerance)) count = Math.ceil(down / metric.target);
    if (count > stableCount || !stableWhy) {
      stableCount = count;
      stableWhy = `${metricName(metric)} ${round(up)} over ${current} replicas (target ${metric.target} each)`;
    }
  });
  const hasData = stableWhy !== '';

  // 4. Panic.
  let panicCount = 0;
  let panicWhy = '';
  let overThreshold = false;
  policy.metrics.forEach((metric, i) => {
    const avg = windowAverage(samples, now, policy.panicWindowMs, (s) => s.up[i]!);
    if (avg === undefined) return;
    const count = Math.ceil(avg / metric.target);
    if (count >= policy.panicThreshold * Math.max(ready, 1)) overThreshold = true;
    if (count > panicCount) {
      panicCount = count;
      panicWhy = `${metricName(metric)} ${round(avg)} in the last ${policy.panicWindowMs / 1000}s asks for ${count} with ${ready} Ready`;
    }
  });
  const panicUntil = overThreshold ? now + policy.stableWindowMs : state.panicUntil;
  const panic = panicUntil !== undefined && panicUntil > now;

  let recommended = hasData ? stableCount : current;
  let why = hasData ? stableWhy : 'no load reports';
  let upReason: ScaleReason = 'ScaleUp';
  if (panic) {
    // No scale-down while panicking: the count only grows.
    recommended = Math.max(current, stableCount, panicCount);
    if (panicCount >= stableCount) {
      why = panicWhy;
      upReason = 'Panic';
    }
  }
  if (requested > recommended) {
    recommended = requested;
    why = `requested ${requested}`;
    upReason = 'Requested';
  }
  const next: ScalerState = {
    ...state,
    panicUntil: panic ? panicUntil : undefined,
    recommendations: [...state.recommendations, { at: now, replicas: recommended }],
  };
  const decided = (replicas: number, reason: ScaleReason, message: string, extra: Partial<ScalerState> = {}): ScaleDecision => ({
    replicas,
    reason,
    message,
    panic,
    observed: stable.map((v) => v ?? 0),
    state: { ...next, ...extra },
  });

  // Up at once.
  if (recommended > current) return decided(clamp(recommended), upReason, `${why} -> ${clamp(recommended)}`);

  // 6. To zero.
  const idleSince = state.lastBusyAt ?? state.observingSince;
  if (
    policy.minReplicas === 0 &&
    !panic &&
    // Fresh data only: a reporter that went silent is no evidence of idleness.
    state.lastObservedAt !== undefined &&
    now - state.lastObservedAt <= policy.panicWindowMs &&
    requested === 0 &&
    state.observingSince !== undefined &&
    now - state.observingSince >= policy.scaleToZeroIdleMs &&
    idleSince !== undefined &&
    now - idleSince >= policy.scaleToZeroIdleMs
  ) {
    return decided(0, 'ScaleToZero', `no demand for ${Math.round((now - idleSince) / 1000)}s`, { lastScaleDownAt: now });
  }

  // 5. Down, stabilized and stepped.
  if (recommended < current && !panic) {
    if (state.observingSince === undefined || now - state.observingSince < policy.scaleDownStabilizationMs) {
      return decided(current, 'Hold', `${why}: holding until ${policy.scaleDownStabilizationMs / 1000}s of load were observed`);
    }
    const windowStart = now - policy.scaleDownStabilizationMs;
    const stabilized = Math.max(...next.recommendations.filter((r) => r.at >= windowStart).map((r) => r.replicas));
    if (stabilized >= current) return decided(current, 'Hold', `${why}: the last ${policy.scaleDownStabilizationMs / 1000}s recommended up to ${stabilized}`);
    if (state.lastScaleDownAt !== undefined && now - state.lastScaleDownAt < policy.scaleDownStepMs) {
      return decided(current, 'Hold', `${why}: the last scale-down step was ${Math.round((now - state.lastScaleDownAt) / 1000)}s ago`);
    }
    const step = Math.max(1, Math.floor(current * policy.scaleDownMaxStep));
    const to = clamp(Math.max(stabilized, current - step));
    if (to < current) return decided(to, 'ScaleDown', `${why} -> ${to}`, { lastScaleDownAt: now });
  }
  return decided(current, 'Hold', why);
}

function describeDemand(policy: AutoscalingPolicy, observation: LoadObservation | undefined): string {
  if (!observation) return 'none';
  const parts = policy.metrics.map((m, i) => `${metricName(m)} ${round(observation.up[i] ?? 0)}`);
  return parts.length > 0 ? parts.join(', ') : 'a report';
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
