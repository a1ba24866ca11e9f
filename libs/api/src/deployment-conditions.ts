import type { Condition } from './gen/helios/v1/resources';

/** Condition type: the rollout moves (True), is paused (Unknown), or missed its deadline (False). */
export const PROGRESSING = 'Progressing';
/** Condition type: at least replicas - maxUnavailable replicas are available. */
export const AVAILABLE = 'Available';
/** Condition type: every replica runs the current revision and is available. */
export const COMPLETE = 'Complete';
/** Condition type: the controller rolled the last rollout back to the stable revision on its own. */
export const ROLLED_BACK = 'RolledBack';

/** Reasons of the Progressing condition (and of RolledBack, for the two that cause one). */
export const REASONS = {
  /** Progressing=Unknown: spec.paused is set. */
  paused: 'DeploymentPaused',
  /** Progressing=True: the rollout (or a scale) is under way and has moved within the deadline. */
  updating: 'ReplicasUpdating',
  /** Progressing=True: every replica runs the current revision and is available. */
  available: 'NewRevisionAvailable',
  /** Progressing=False, RolledBack=True: no progress within progressDeadlineSeconds. */
  deadlineExceeded: 'ProgressDeadlineExceeded',
  /** Progressing=False, RolledBack=True: the new revision's replicas keep failing. */
  replicasFailing: 'ReplicasFailing',
  /** RolledBack=False: a new revision started rolling out since the last rollback. */
  newRollout: 'NewRolloutStarted',
  /** Available=True / False. */
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
  /** Complete=True / False. */
  complete: 'RolloutComplete',
  inProgress: 'RolloutInProgress',
} as const;

/** The condition of a type, if present. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** True when the condition of that type is present with status "True". */
export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/**
 * Puts a condition into a list, Kubernetes-style: its lastTransitionTime moves to `now` only when
 * its status flips; reason and message follow what is true now. Other types keep their place;
 * a new type is appended.
 *
 * Example: [Available=True since t0], set Available=True (new message) at t1 -> since t0;
 * set Available=False at t1 -> since t1.
 */
export function setCondition(conditions: readonly Condition[], next: Omit<Condition, 'lastTransitionTime'>, now: string): Condition[] {
  const previous = findCondition(conditions, next.type);
  const since = previous && previous.status === next.status ? previous.lastTransitionTime : now;
  const condition: Condition = { ...next, lastTransitionTime: since };
  return previous ? conditions.map((c) => (c.type === next.type ? condition : c)) : [...conditions, condition];
}
