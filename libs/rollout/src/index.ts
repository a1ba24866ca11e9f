/**
 * Pure rollout decisions for Helios' deployment controller: revision numbering and history,
 * the rolling-update step (maxSurge / maxUnavailable arithmetic), which replicas to retire,
 * availability after minReadySeconds, progress-deadline and repeated-failure detection that
 * decide an automatic rollback, and the status conditions that report it. Each takes a snapshot
 * and returns a plan; none performs I/O.
 *
 * @packageDocumentation
 */
export { splitOrphans } from './orphans';
export { planRollout, type ReplicaCreation, type Rollback, type RolloutPlan, type RolloutSnapshot } from './plan-rollout';
export {
  DEPLOYMENT_LABEL,
  DEPLOYMENT_UID_ANNOTATION,
  TEMPLATE_HASH_LABEL,
  availableAt,
  failuresOf,
  isAvailable,
  replicaTemplateHash,
} from './replica-facts';
export { retirementOrder } from './retirement-order';
export { findRevision, recordHash, resolveRevision, trimHistory } from './revision-history';
export { rollingLimits, scaledValue, type RollingLimits } from './rolling-limits';
export { rollingStep, type Step, type StepCounts } from './rolling-step';
// The Deployment condition vocabulary is the API's (the CLI reads it too); the rollout writes it.
export { AVAILABLE, COMPLETE, PROGRESSING, REASONS, ROLLED_BACK, findCondition, isConditionTrue, setCondition } from '@helios/api';
export {
  DEFAULT_MAX_SURGE,
  DEFAULT_MAX_UNAVAILABLE,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  DEFAULT_REVISION_HISTORY_LIMIT,
  REPEATED_FAILURE_THRESHOLD,
  rolloutSettings,
  type RolloutSettings,
} from './rollout-settings';
export { fnv1a64, templateHash } from './template-hash';
export { applyRolloutAction, RESTARTED_AT_ANNOTATION, type RolloutOutcome } from './rollout-action';
