import { PROGRESSING, REASONS, ROLLED_BACK, findCondition, metaOf, type Deployment } from '@helios/api';

/** Where a rollout stands for `helios rollout status`. */
export interface RolloutVerdict {
  state: 'waiting' | 'done' | 'failed';
  message: string;
}

/**
 * What the rollout status command remembers from the deployment it first saw: when its last
 * automatic rollback happened, so that only a rollback after that counts as this rollout failing.
 */
export interface RolloutBaseline {
  rolledBackAt: string | undefined;
}

/** The baseline of a deployment as first seen. */
export function rolloutBaseline(deployment: Deployment): RolloutBaseline {
  const rolledBack = findCondition(deployment.status?.conditions, ROLLED_BACK);
  return { rolledBackAt: rolledBack?.status === 'True' ? (rolledBack.lastTransitionTime ?? '') : undefined };
}

/**
 * Reads a deployment's rollout progress the way `kubectl rollout status` does, plus Helios'
 * automatic rollback:
 * - the controller has not seen the latest spec yet -> waiting;
 * - rolled back since the command started (RolledBack turned True, or True again later), or
 *   Progressing=False with ProgressDeadlineExceeded -> failed;
 * - fewer updated replicas than wanted, old replicas left, or updated replicas not yet
 *   available -> waiting, saying which;
 * - otherwise done.
 *
 * Example: replicas 8, updated 2, generation observed -> waiting, "2 out of 8 new replicas have
 * been updated..."; updated 8, replicas 10 -> "2 old replicas are pending termination...".
 */
export function rolloutVerdict(deployment: Deployment, baseline: RolloutBaseline): RolloutVerdict {
  const name = metaOf(deployment).name;
  const waiting = (what: string): RolloutVerdict => ({ state: 'waiting', message: `Waiting for deployment "${name}" rollout to finish: ${what}` });
  const status = deployment.status;
  const rolledBack = findCondition(status?.conditions, ROLLED_BACK);
  if (rolledBack?.status === 'True' && rolledBack.lastTransitionTime !== baseline.rolledBackAt) {
    return { state: 'failed', message: `deployment "${name}" rollout failed and was rolled back: ${rolledBack.message}` };
  }
  if (!status || status.observedGeneration < metaOf(deployment).generation) return { state: 'waiting', message: 'Waiting for deployment spec update to be observed...' };
  const progressing = findCondition(status.conditions, PROGRESSING);
  if (progressing?.status === 'False' && progressing.reason === REASONS.deadlineExceeded) {
    return { state: 'failed', message: `deployment "${name}" exceeded its progress deadline: ${progressing.message}` };
  }
  const wanted = deployment.spec?.replicas ?? 0;
  if (deployment.spec?.paused) return waiting(`the deployment is paused (resume it: helios rollout resume deployment/${name})`);
  if (status.updatedReplicas < wanted) return waiting(`${status.updatedReplicas} out of ${wanted} new replicas have been updated...`);
  if (status.replicas > status.updatedReplicas) return waiting(`${status.replicas - status.updatedReplicas} old replicas are pending termination...`);
  if (status.availableReplicas < status.updatedReplicas) return waiting(`${status.availableReplicas} of ${status.updatedReplicas} updated replicas are available...`);
  return { state: 'done', message: `deployment "${name}" successfully rolled out` };
}
