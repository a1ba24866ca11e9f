import { DeploymentStatus, type Deployment, type RevisionRecord } from '@helios/api';
import { REASONS, ROLLED_BACK, findCondition, setCondition } from '@helios/api';
import { rolloutSettings } from './rollout-settings';
import { templateHash } from './template-hash';

/** The hash a history record stands for: as recorded, or computed from its template. */
export function recordHash(record: RevisionRecord): string {
  return record.templateHash || templateHash(record.template);
}

/** The history record of a revision number, if kept. */
export function findRevision(history: readonly RevisionRecord[], revision: number): RevisionRecord | undefined {
  return history.find((r) => r.revision === revision);
}

/**
 * Keeps the newest `limit` revisions besides the current and the stable one, which are always
 * kept (the current one is what runs; the stable one is where an automatic rollback returns).
 * Sorted by revision, oldest first.
 *
 * Worked example: revisions 1-6, current 6, stable 2, limit 2 -> [2, 4, 5, 6]: 6 and 2 are kept
 * whatever the limit; of the others (5, 4, 3, 1) the newest two stay.
 */
export function trimHistory(history: readonly RevisionRecord[], limit: number, current: number, stable: number): RevisionRecord[] {
  const sorted = [...history].sort((a, b) => a.revision - b.revision);
  const others = sorted.filter((r) => r.revision !== current && r.revision !== stable);
  const keep = new Set([current, stable, ...others.slice(Math.max(0, others.length - limit)).map((r) => r.revision)]);
  return sorted.filter((r) => keep.has(r.revision));
}

/**
 * The status that records which revision the deployment's template is, or undefined when it
 * already does. Revisions are numbered as in Kubernetes:
 * - a template never seen before gets the next number (max + 1) and a new history record; a
 *   RolledBack=True condition turns False, since this is a new rollout;
 * - a template that matches an older record (an undo, a rollback) moves that record to the
 *   next number, so the current revision is always the newest and "undo" means "the one
 *   before"; if it was the stable revision, stableRevision follows it;
 * - a template that matches the current revision changes nothing (but a lowered history limit
 *   still trims).
 * A paused deployment keeps its revision: the template it runs is frozen until it resumes.
 *
 * Worked example: history [1 (A), 2 (B)], current 2, stable 2.
 * - template C -> revision 3 (C) recorded; history [1, 2, 3], current 3, stable 2.
 * - then template B again (rollback) -> record 2 becomes 4; history [1, 3, 4], current 4, stable 4.
 */
export function resolveRevision(deployment: Deployment, now: string): DeploymentStatus | undefined {
  const settings = rolloutSettings(deployment.spec);
  const status = DeploymentStatus.fromPartial(deployment.status ?? {});
  if (settings.paused) return undefined;
  const template = deployment.spec?.template;
  const hash = templateHash(template);
  const match = status.history.find((r) => recordHash(r) === hash);
  if (match && match.revision === status.revision) {
    const trimmed = trimHistory(status.history, settings.revisionHistoryLimit, status.revision, status.stableRevision);
    return trimmed.length === status.history.length ? undefined : { ...status, history: trimmed };
  }
  const next = Math.max(status.revision, ...status.history.map((r) => r.revision), 0) + 1;
  let history: RevisionRecord[];
  let stable = status.stableRevision;
  let conditions = status.conditions;
  if (match) {
    history = [...status.history.filter((r) => r !== match), { ...match, revision: next, templateHash: hash, createdAt: now }];
    if (stable === match.revision) stable = next;
  } else {
    history = [...status.history, { revision: next, templateHash: hash, template: template ?? undefined, createdAt: now }];
    if (findCondition(conditions, ROLLED_BACK)?.status === 'True') {
      conditions = setCondition(conditions, { type: ROLLED_BACK, status: 'False', reason: REASONS.newRollout, message: `revision ${next} started rolling out` }, now);
    }
  }
  return {
    ...status,
    revision: next,
    stableRevision: stable,
    history: trimHistory(history, settings.revisionHistoryLimit, next, stable),
    conditions,
  };
}
