import { DeploymentSpec, LoadSignal, SpreadPolicy, Tier, type Autoscaling, type AutoscalingMetric, type Placement, type RolloutStrategy } from '@helios/api';
import { AUTOSCALING_DEFAULTS } from '@helios/autoscaling';
import { child, indexed, type FieldError } from './field-error';
import { validateEnum } from './enums';
import { isExplicitZero, validateIntOrPercent } from './int-or-percent';
import { LIMITS } from './limits';
import { validateNameList } from './names';
import { validateInt, validateNumber } from './numbers';
import { validateTemplate } from './template-rules';

/** Checks a Deployment spec: 0-10,000 replicas, a template, and its rollout, placement and autoscaling. */
export function validateDeploymentSpec(spec: DeploymentSpec | undefined): FieldError[] {
  const s = spec ?? DeploymentSpec.fromPartial({});
  return [
    ...validateInt('spec.replicas', s.replicas, 0, LIMITS.replicas),
    ...validateTemplate('spec.template', s.template),
    ...validateStrategy('spec.strategy', s.strategy),
    ...validatePlacement('spec.placement', s.placement),
    ...validateAutoscaling('spec.autoscaling', s.autoscaling),
    ...validateInt('spec.revisionHistoryLimit', s.revisionHistoryLimit, 0, LIMITS.revisionHistory),
  ];
}

/**
 * Checks the rollout strategy. maxSurge and maxUnavailable both zero would let a rollout neither
 * add a new replica nor retire an old one, so it could never progress. '' is the default: a
 * surge of 25% and no unavailability, so maxSurge "0" with maxUnavailable unset is that stall too.
 */
function validateStrategy(path: string, strategy: RolloutStrategy | undefined): FieldError[] {
  if (!strategy) return [];
  const errors: FieldError[] = [
    ...validateIntOrPercent(child(path, 'maxSurge'), strategy.maxSurge, LIMITS.replicas),
    ...validateIntOrPercent(child(path, 'maxUnavailable'), strategy.maxUnavailable, LIMITS.replicas),
    ...validateInt(child(path, 'minReadySeconds'), strategy.minReadySeconds, 0, LIMITS.seconds),
    ...validateInt(child(path, 'progressDeadlineSeconds'), strategy.progressDeadlineSeconds, 0, LIMITS.seconds),
    ...validateInt(child(path, 'drainSeconds'), strategy.drainSeconds, 0, LIMITS.seconds),
    ...validateInt(child(path, 'terminationGraceSeconds'), strategy.terminationGraceSeconds, 0, LIMITS.seconds),
  ];
  const unavailableZero = strategy.maxUnavailable === '' || isExplicitZero(strategy.maxUnavailable);
  if (isExplicitZero(strategy.maxSurge) && unavailableZero) {
    errors.push({ path: child(path, 'maxSurge'), message: `must not be 0 when ${child(path, 'maxUnavailable')} is 0: the rollout could never progress` });
  }
  // A deadline no longer than the wait for readiness would fail every rollout.
  if (strategy.progressDeadlineSeconds > 0 && strategy.progressDeadlineSeconds <= strategy.minReadySeconds) {
    errors.push({
      path: child(path, 'progressDeadlineSeconds'),
      message: `must be > ${child(path, 'minReadySeconds')} (${strategy.progressDeadlineSeconds} <= ${strategy.minReadySeconds})`,
    });
  }
  return errors;
}

function validatePlacement(path: string, placement: Placement | undefined): FieldError[] {
  if (!placement) return [];
  const errors: FieldError[] = [
    ...validateNameList(child(path, 'cells'), placement.cells, LIMITS.placementCells),
    ...validateEnum(child(path, 'spread'), placement.spread, SpreadPolicy, false),
  ];
  const tierPolicy = placement.tierPolicy;
  if (tierPolicy) {
    const allowed = child(child(path, 'tierPolicy'), 'allowed');
    const seen = new Set<number>();
    tierPolicy.allowed.forEach((tier, i) => {
      errors.push(...validateEnum(indexed(allowed, i), tier, Tier, true));
      if (seen.has(tier)) errors.push({ path: indexed(allowed, i), message: `duplicate ${Tier[tier] ?? tier}` });
      seen.add(tier);
    });
    errors.push(...validateInt(child(child(path, 'tierPolicy'), 'maxPreemptiblePercent'), tierPolicy.maxPreemptiblePercent, 0, 100));
  }
  return errors;
}

/**
 * Checks autoscaling: 0 <= minReplicas <= maxReplicas <= 10,000, maxReplicas >= 1, at least one
 * signal (targetLoad > 0 or a metric), sane windows (the panic window within the stable one, a
 * panic threshold above 100 % so that an ordinary scale-up is not a panic), steps and percents.
 */
function validateAutoscaling(path: string, autoscaling: Autoscaling | undefined): FieldError[] {
  if (!autoscaling) return [];
  const minPath = child(path, 'minReplicas');
  const maxPath = child(path, 'maxReplicas');
  const minErrors = validateInt(minPath, autoscaling.minReplicas, 0, LIMITS.replicas);
  const maxErrors = validateInt(maxPath, autoscaling.maxReplicas, 1, LIMITS.replicas);
  const errors: FieldError[] = [...minErrors, ...maxErrors];
  if (minErrors.length === 0 && maxErrors.length === 0 && autoscaling.minReplicas > autoscaling.maxReplicas) {
    errors.push({ path: minPath, message: `must be <= ${maxPath} (${autoscaling.minReplicas} > ${autoscaling.maxReplicas})` });
  }
  const targetPath = child(path, 'targetLoad');
  const targetErrors = validateNumber(targetPath, autoscaling.targetLoad, 0, Number.MAX_SAFE_INTEGER);
  errors.push(...targetErrors);
  const metrics = autoscaling.metrics ?? [];
  if (targetErrors.length === 0 && autoscaling.targetLoad === 0 && metrics.length === 0) {
    errors.push({ path: targetPath, message: `must be > 0 when ${child(path, 'metrics')} is empty` });
  }
  errors.push(...validateMetrics(child(path, 'metrics'), metrics));
  const seconds = (name: keyof Autoscaling, min = 0) => validateInt(child(path, name), autoscaling[name] as number, min, LIMITS.seconds);
  errors.push(
    ...validateNumber(child(path, 'tolerance'), autoscaling.tolerance, 0, 1),
    ...seconds('scaleDownStabilizationSeconds'),
    ...seconds('stableWindowSeconds'),
    ...seconds('panicWindowSeconds'),
    ...seconds('scaleDownStepSeconds'),
    ...seconds('scaleToZeroIdleSeconds'),
    ...validateInt(child(path, 'scaleDownMaxStepPercent'), autoscaling.scaleDownMaxStepPercent, 0, 100),
  );
  const threshold = autoscaling.panicThresholdPercent;
  if (threshold !== 0 && (!Number.isInteger(threshold) || threshold <= 100 || threshold > 10_000)) {
    errors.push({ path: child(path, 'panicThresholdPercent'), message: `must be an integer in 101..10000 (a threshold of 100 % or less would make every scale-up a panic), got ${threshold}` });
  }
  const stable = autoscaling.stableWindowSeconds || AUTOSCALING_DEFAULTS.stableWindowSeconds;
  const panic = autoscaling.panicWindowSeconds || AUTOSCALING_DEFAULTS.panicWindowSeconds;
  if (Number.isInteger(stable) && Number.isInteger(panic) && panic > stable) {
    errors.push({ path: child(path, 'panicWindowSeconds'), message: `must be <= ${child(path, 'stableWindowSeconds')} (${panic} > ${stable}): the panic window is the stable window's tail` });
  }
  return errors;
}

// A gauge name is what a metrics exporter would call it: kv-cache, tokens_per_second, vllm:gpu_cache_usage_perc.
const GAUGE_NAME = /^[A-Za-z_][A-Za-z0-9_:.-]{0,62}$/;
const MAX_METRICS = 16;

/** Checks the followed metrics: a known signal, a gauge name exactly for gauges, a positive target, no duplicates. */
function validateMetrics(path: string, metrics: readonly AutoscalingMetric[]): FieldError[] {
  const errors: FieldError[] = [];
  if (metrics.length > MAX_METRICS) errors.push({ path, message: `must have at most ${MAX_METRICS} entries, got ${metrics.length}` });
  const seen = new Set<string>();
  metrics.forEach((metric, i) => {
    const at = indexed(path, i);
    const signalErrors = validateEnum(child(at, 'signal'), metric.signal, LoadSignal, true);
    errors.push(...signalErrors);
    const isGauge = metric.signal === LoadSignal.LOAD_SIGNAL_GAUGE;
    if (isGauge && !GAUGE_NAME.test(metric.gauge)) {
      errors.push({ path: child(at, 'gauge'), message: `must be a gauge name (a letter or '_', then up to 62 letters, digits, '_', ':', '.' or '-'), got ${JSON.stringify(metric.gauge)}` });
    }
    if (!isGauge && metric.gauge !== '') errors.push({ path: child(at, 'gauge'), message: `must be empty unless signal is LOAD_SIGNAL_GAUGE, got ${JSON.stringify(metric.gauge)}` });
    const targetErrors = validateNumber(child(at, 'target'), metric.target, 0, Number.MAX_SAFE_INTEGER);
    errors.push(...targetErrors);
    if (targetErrors.length === 0 && metric.target === 0) errors.push({ path: child(at, 'target'), message: 'must be > 0' });
    const key = `${metric.signal}/${metric.gauge}`;
    if (signalErrors.length === 0 && seen.has(key)) errors.push({ path: at, message: 'duplicate signal' });
    seen.add(key);
  });
  return errors;
}
