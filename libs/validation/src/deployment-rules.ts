import { DeploymentSpec, SpreadPolicy, Tier, type Autoscaling, type Placement, type RolloutStrategy } from '@helios/api';
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

/** Checks autoscaling: 0 <= minReplicas <= maxReplicas <= 10,000, maxReplicas >= 1, a positive target. */
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
  if (targetErrors.length === 0 && autoscaling.targetLoad === 0) errors.push({ path: targetPath, message: 'must be > 0' });
  errors.push(
    ...validateNumber(child(path, 'tolerance'), autoscaling.tolerance, 0, 1),
    ...validateInt(child(path, 'scaleDownStabilizationSeconds'), autoscaling.scaleDownStabilizationSeconds, 0, LIMITS.seconds),
  );
  return errors;
}
