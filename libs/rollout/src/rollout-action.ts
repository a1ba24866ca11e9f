import { Deployment, RolloutAction } from '@helios/api';

/** The template annotation `rollout restart` sets: a changed template makes a new revision. */
export const RESTARTED_AT_ANNOTATION = 'helios.dev/restartedAt';

/** The outcome of a rollout action: the next deployment (undefined when already so), or why not. */
export type RolloutOutcome = { next: Deployment | undefined } | { error: string; code: 'invalid' | 'precondition' };

/**
 * Applies a rollout action to a deployment's spec, as `kubectl rollout` does:
 * - PAUSE / RESUME set spec.paused (no write when it already has that value);
 * - RESTART stamps the template's `helios.dev/restartedAt` annotation with `now`, a new template
 *   and so a new revision that replaces every replica by the usual surge rules;
 * - UNDO puts back the template of a revision from status.history: `toRevision`, or with 0 the
 *   newest one before the current revision.
 * Every spec change bumps metadata.generation.
 *
 * Example: status.revision 3, history [1, 2, 3], UNDO toRevision 0 -> template of revision 2.
 */
export function applyRolloutAction(deployment: Deployment, action: RolloutAction, toRevision: number, now: string): RolloutOutcome {
  const spec = deployment.spec;
  if (!spec) return { error: 'spec: the deployment has no spec', code: 'precondition' };
  const bump = (nextSpec: NonNullable<Deployment['spec']>): Deployment =>
    Deployment.fromPartial({ ...deployment, metadata: { ...deployment.metadata, generation: (deployment.metadata?.generation ?? 0) + 1 }, spec: nextSpec });
  switch (action) {
    case RolloutAction.ROLLOUT_ACTION_PAUSE:
    case RolloutAction.ROLLOUT_ACTION_RESUME: {
      const paused = action === RolloutAction.ROLLOUT_ACTION_PAUSE;
      return { next: spec.paused === paused ? undefined : bump({ ...spec, paused }) };
    }
    case RolloutAction.ROLLOUT_ACTION_RESTART: {
      if (!spec.template) return { error: 'spec.template: nothing to restart', code: 'precondition' };
      const annotations = { ...spec.template.annotations, [RESTARTED_AT_ANNOTATION]: now };
      return { next: bump({ ...spec, template: { ...spec.template, annotations } }) };
    }
    case RolloutAction.ROLLOUT_ACTION_UNDO: {
      const history = [...(deployment.status?.history ?? [])].sort((a, b) => a.revision - b.revision);
      const current = deployment.status?.revision ?? 0;
      const target = toRevision > 0 ? history.find((r) => r.revision === toRevision) : history.filter((r) => r.revision < current).at(-1);
      if (!target?.template) {
        const known = history.map((r) => r.revision).join(', ') || 'none';
        const wanted = toRevision > 0 ? `revision ${toRevision}` : `a revision before ${current}`;
        return { error: `toRevision: ${wanted} is not in the rollout history (revisions: ${known})`, code: 'precondition' };
      }
      return { next: bump({ ...spec, template: target.template }) };
    }
    default:
      return { error: `action: must be one of PAUSE, RESUME, RESTART, UNDO, got ${RolloutAction[action] ?? action}`, code: 'invalid' };
  }
}
