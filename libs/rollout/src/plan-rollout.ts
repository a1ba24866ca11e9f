import { DeploymentStatus, type Condition, type Deployment, type Replica, type ReplicaTemplate } from '@helios/api';
import { isBound, isLive, isLost, isReady } from '@helios/replica-lifecycle';
import { findRevision, recordHash } from './revision-history';
import { rollingLimits } from './rolling-limits';
import { rollingStep, type Step } from './rolling-step';
import { availableAt, failuresOf, isAvailable, replicaTemplateHash } from './replica-facts';
import { retirementOrder } from './retirement-order';
import { AVAILABLE, COMPLETE, PROGRESSING, REASONS, ROLLED_BACK, isConditionTrue, setCondition } from '@helios/api';
import { REPEATED_FAILURE_THRESHOLD, rolloutSettings } from './rollout-settings';
import { templateHash } from './template-hash';

/** Everything a rollout step is decided from. */
export interface RolloutSnapshot {
  /** The deployment, its status.revision already resolved (see resolveRevision). */
  deployment: Deployment;
  /** The deployment's replicas in any state (its orphans excluded; see orphanedReplicas). */
  replicas: readonly Replica[];
  /** Every replica of the fleet, so retirements can empty whole nodes; defaults to `replicas`. */
  fleet?: readonly Replica[];
  /** Milliseconds since the epoch. */
  now: number;
}

/** Replicas of one revision to create. */
export interface ReplicaCreation {
  revision: number;
  templateHash: string;
  template: ReplicaTemplate | undefined;
  count: number;
}

/** Why and where an automatic rollback goes. */
export interface Rollback {
  reason: typeof REASONS.deadlineExceeded | typeof REASONS.replicasFailing;
  fromRevision: number;
  /** The stable revision whose template goes back into spec.template. */
  toRevision: number;
  template: ReplicaTemplate | undefined;
  message: string;
}

/** What one reconcile of a deployment does. */
export interface RolloutPlan {
  /** Replicas of the current revision to create (none when count is 0). */
  create: ReplicaCreation;
  /** Bound replicas to retire: deletionTime set, their node agent drains and removes them. */
  retire: Replica[];
  /** Replicas to delete outright: lost ones, and unbound ones chosen for retirement. */
  remove: Replica[];
  /** Current-revision replicas whose spec.revision still names the number before a renumbering. */
  relabel: Replica[];
  /** The status to write (unchanged from the stored one when nothing moved). */
  status: DeploymentStatus;
  /** Set when the rollout must go back to the stable revision; nothing else is done then. */
  rollback?: Rollback;
  /** Look again after this long even if nothing changes: a replica's minReadySeconds, the deadline. */
  requeueAfterMs?: number;
}

/**
 * Decides one reconcile of a deployment from a snapshot: which replicas to create, retire and
 * delete, whether to roll back, and the status that says where the rollout stands.
 *
 * Replicas are sorted by state: lost ones (Failed, see isLost) are deleted and, no longer
 * counting, get replaced by the step; retiring ones count for nothing; the rest are live, "updated" when they
 * run the current revision's template (by template hash, so a revision renumbered by an undo
 * keeps its replicas) and "old" otherwise. The step is rollingStep's arithmetic over the live
 * counts; which replicas go is retirementOrder's choice. A paused deployment does not roll:
 * it only scales when all its replicas run one revision, and refills capacity lost to dead
 * nodes up to spec.replicas when they do not.
 *
 * Progress (status.progressTime) is marked when the spec changed, when more replicas are ready
 * or available than the stored status says, when fewer old ones are left, or when a complete
 * deployment starts moving again. A rollout that is not complete rolls back to the stable
 * revision (the last one that completed) when it made no progress for progressDeadlineSeconds,
 * or when its replicas failed REPEATED_FAILURE_THRESHOLD times (restarts after crashes, Failed)
 * with none of them available. Without a stable revision to return to, the deadline only sets
 * Progressing=False.
 *
 * Worked example: replicas 10, maxSurge 25 % (3), maxUnavailable 0, revision 2 of 10 replicas
 * all available, template changed to revision 3 -> create 3 of revision 3, status updated 0,
 * available 10, Progressing=True (ReplicasUpdating), Complete=False; see rollingStep for the
 * steps after that.
 */
export function planRollout(snapshot: RolloutSnapshot): RolloutPlan {
  const { deployment, now } = snapshot;
  const settings = rolloutSettings(deployment.spec);
  const previous = DeploymentStatus.fromPartial(deployment.status ?? {});
  const nowIso = new Date(now).toISOString();
  const generation = deployment.metadata?.generation ?? 0;
  const R = settings.replicas;
  const limits = rollingLimits(settings.maxSurge, settings.maxUnavailable, R);
  const minAvailable = Math.max(0, R - limits.maxUnavailable);
  const available = (r: Replica) => isAvailable(r, settings.minReadySeconds, now);

  const target = findRevision(previous.history, previous.revision);
  const targetHash = target ? recordHash(target) : undefined;
  // A replica made without a template or hash label belongs to the revision its spec names.
  const hashOf = (r: Replica): string => {
    const own = replicaTemplateHash(r);
    if (own) return own;
    const named = r.spec?.revision ? findRevision(previous.history, r.spec.revision) : undefined;
    return named ? recordHash(named) : '';
  };

  const lost = snapshot.replicas.filter(isLost);
  const live = snapshot.replicas.filter(isLive);
  const updated = live.filter((r) => targetHash !== undefined && hashOf(r) === targetHash);
  const isUpdated = new Set(updated);
  const old = live.filter((r) => !isUpdated.has(r));
  const updatedAvailable = updated.filter(available).length;
  const oldAvailable = old.filter(available).length;
  const counts = {
    replicas: live.length,
    updatedReplicas: updated.length,
    readyReplicas: live.filter(isReady).length,
    availableReplicas: updatedAvailable + oldAvailable,
  };

  // --- where the rollout stands
  const complete = target !== undefined && updated.length === R && old.length === 0 && updatedAvailable === R;
  const templateFrozen = settings.paused && target !== undefined && templateHash(deployment.spec?.template) !== targetHash;
  const specChanged = previous.observedGeneration !== generation;
  const progressed =
    counts.readyReplicas > previous.readyReplicas ||
    counts.availableReplicas > previous.availableReplicas ||
    counts.replicas - counts.updatedReplicas < previous.replicas - previous.updatedReplicas;
  const restarted = isConditionTrue(previous.conditions, COMPLETE) && !complete;
  const progressTime = specChanged || progressed || restarted || !previous.progressTime ? nowIso : previous.progressTime;
  const rolling = !settings.paused && target !== undefined && !complete;
  const deadlineAt = Date.parse(progressTime) + 1000 * settings.progressDeadlineSeconds;
  const deadlineExceeded = rolling && now >= deadlineAt;
  // Failed ones count too (they are lost, about to be replaced, but they did fail).
  const failures = [...updated, ...lost.filter((r) => targetHash !== undefined && hashOf(r) === targetHash)]
    .filter((r) => !isReady(r))
    .reduce((n, r) => n + failuresOf(r), 0);
  const failing = rolling && updatedAvailable === 0 && failures >= REPEATED_FAILURE_THRESHOLD;

  const stable = findRevision(previous.history, previous.stableRevision);
  let rollback: Rollback | undefined;
  if ((deadlineExceeded || failing) && stable && target && stable.revision !== target.revision) {
    const reason = failing ? REASONS.replicasFailing : REASONS.deadlineExceeded;
    const why = failing
      ? `its replicas failed ${failures} times and none became available`
      : `it made no progress for ${settings.progressDeadlineSeconds}s`;
    rollback = {
      reason,
      fromRevision: target.revision,
      toRevision: stable.revision,
      template: stable.template,
      message: `revision ${target.revision} rolled back to the template of revision ${stable.revision}: ${why}`,
    };
  }

  // --- conditions
  const revision = previous.revision;
  let conditions: Condition[] = previous.conditions;
  const progressing: Omit<Condition, 'lastTransitionTime'> = settings.paused
    ? { type: PROGRESSING, status: 'Unknown', reason: REASONS.paused, message: 'the deployment is paused' }
    : rollback
      ? { type: PROGRESSING, status: 'False', reason: rollback.reason, message: rollback.message }
      : complete
        ? { type: PROGRESSING, status: 'True', reason: REASONS.available, message: `revision ${revision} is rolled out: ${R} replicas available` }
        : deadlineExceeded
          ? { type: PROGRESSING, status: 'False', reason: REASONS.deadlineExceeded, message: `revision ${revision} made no progress for ${settings.progressDeadlineSeconds}s` }
          : {
              type: PROGRESSING,
              status: 'True',
              reason: REASONS.updating,
              message: `revision ${revision}: ${counts.updatedReplicas} of ${R} replicas updated, ${counts.availableReplicas} available`,
            };
  conditions = setCondition(conditions, progressing, nowIso);
  const enough = counts.availableReplicas >= minAvailable;
  conditions = setCondition(
    conditions,
    {
      type: AVAILABLE,
      status: enough ? 'True' : 'False',
      reason: enough ? REASONS.minimumAvailable : REASONS.minimumUnavailable,
      message: `${counts.availableReplicas} of ${R} replicas available (at least ${minAvailable} wanted)`,
    },
    nowIso,
  );
  const done = complete && !templateFrozen;
  conditions = setCondition(
    conditions,
    done
      ? { type: COMPLETE, status: 'True', reason: REASONS.complete, message: `revision ${revision} runs on all ${R} replicas` }
      : { type: COMPLETE, status: 'False', reason: settings.paused ? REASONS.paused : REASONS.inProgress, message: `revision ${revision}: ${counts.updatedReplicas} of ${R} replicas updated` },
    nowIso,
  );
  if (rollback) conditions = setCondition(conditions, { type: ROLLED_BACK, status: 'True', reason: rollback.reason, message: rollback.message }, nowIso);

  const status: DeploymentStatus = {
    ...previous,
    observedGeneration: generation,
    ...counts,
    conditions,
    stableRevision: complete ? revision : previous.stableRevision,
    progressTime,
  };
  const nothing: ReplicaCreation = { revision, templateHash: targetHash ?? '', template: target?.template, count: 0 };
  if (rollback || !target) return { create: nothing, retire: [], remove: [], relabel: [], status, rollback };

  // --- the step
  let step: Step;
  if (!settings.paused || old.length === 0) {
    step = rollingStep({ replicas: R, ...limits, updated: updated.length, updatedAvailable, old: old.length, oldAvailable });
  } else {
    // Paused mid-rollout: no revision moves, but capacity lost to dead nodes comes back.
    step = { create: Math.max(0, R - live.length), retireUpdated: 0, retireOld: 0 };
  }
  const fleet = snapshot.fleet ?? snapshot.replicas;
  // Ordering is quadratic in the candidates, so it is done only when something is to go.
  const pick = (from: Replica[], count: number) => (count > 0 ? retirementOrder(from, settings.minReadySeconds, now, fleet).slice(0, count) : []);
  const chosen = [...pick(updated, step.retireUpdated), ...pick(old, step.retireOld)];
  const isChosen = new Set(chosen);
  const retire = chosen.filter(isBound);
  const remove = [...lost, ...chosen.filter((r) => !isBound(r))];
  const relabel = updated.filter((r) => r.spec?.revision !== revision && !isChosen.has(r));

  const waits = live.map((r) => availableAt(r, settings.minReadySeconds)).filter((at): at is number => at !== undefined && at > now).map((at) => at - now);
  if (rolling && !deadlineExceeded) waits.push(deadlineAt - now);
  return {
    create: { ...nothing, count: step.create },
    retire,
    remove,
    relabel,
    status,
    requeueAfterMs: waits.length > 0 ? Math.min(...waits) : undefined,
  };
}
