import type { DeploymentSpec } from '@helios/api';

/** maxSurge when the strategy leaves it empty: a quarter of the replicas, rounded up. */
export const DEFAULT_MAX_SURGE = '25%';
/** maxUnavailable when the strategy leaves it empty: never below spec.replicas available. */
export const DEFAULT_MAX_UNAVAILABLE = '0';
/** progressDeadlineSeconds when the strategy leaves it at 0, as in Kubernetes. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
/** revisionHistoryLimit when the spec leaves it at 0 (proto3 cannot tell 0 from unset). */
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
/**
 * Failures (crashes, restarts, Failed replicas) of a new revision's replicas, none of which is
 * available, that count as "keeps failing": the rollout is rolled back without waiting out the
 * progress deadline. Three, so one unlucky crash while a model loads is not a verdict.
 */
export const REPEATED_FAILURE_THRESHOLD = 3;

/** A deployment's rollout settings with every default applied. */
export interface RolloutSettings {
  replicas: number;
  /** As written: absolute ("2") or percent ("25%"); resolved against replicas by rollingLimits. */
  maxSurge: string;
  maxUnavailable: string;
  minReadySeconds: number;
  progressDeadlineSeconds: number;
  revisionHistoryLimit: number;
  paused: boolean;
}

/**
 * Applies the defaults to a deployment spec, in one place: surge "25%", unavailable "0",
 * progress deadline 600 s, history limit 10 (each where the spec leaves the field empty or 0).
 */
export function rolloutSettings(spec: DeploymentSpec | undefined): RolloutSettings {
  const strategy = spec?.strategy;
  return {
    replicas: Math.max(0, spec?.replicas ?? 0),
    maxSurge: strategy?.maxSurge || DEFAULT_MAX_SURGE,
    maxUnavailable: strategy?.maxUnavailable || DEFAULT_MAX_UNAVAILABLE,
    minReadySeconds: Math.max(0, strategy?.minReadySeconds ?? 0),
    progressDeadlineSeconds: strategy?.progressDeadlineSeconds || DEFAULT_PROGRESS_DEADLINE_SECONDS,
    revisionHistoryLimit: spec?.revisionHistoryLimit || DEFAULT_REVISION_HISTORY_LIMIT,
    paused: spec?.paused ?? false,
  };
}
