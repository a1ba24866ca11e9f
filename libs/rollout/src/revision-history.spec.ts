import { Deployment, DeploymentStatus, type RevisionRecord } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { resolveRevision, trimHistory } from './revision-history';
import { ROLLED_BACK } from '@helios/api';
import { templateHash } from './template-hash';
import { at, template } from './testing/rollout-fixtures';

const record = (revision: number, version = `v${revision}`): RevisionRecord => ({ revision, templateHash: templateHash(template(version)), template: template(version), createdAt: at(revision) });

describe('trimHistory', () => {
  const history = [1, 2, 3, 4, 5, 6].map((r) => record(r));
  // Mirrors the worked example in revision-history.ts.
  it.each([
    { limit: 2, current: 6, stable: 2, want: [2, 4, 5, 6] },
    { limit: 10, current: 6, stable: 2, want: [1, 2, 3, 4, 5, 6] },
    { limit: 0, current: 6, stable: 6, want: [6] },
    { limit: 1, current: 6, stable: 0, want: [5, 6] },
  ])('limit $limit, current $current, stable $stable -> $want', ({ limit, current, stable, want }) => {
    expect(trimHistory([...history].reverse(), limit, current, stable).map((r) => r.revision)).toEqual(want);
  });
});

describe('resolveRevision', () => {
  const deploymentOf = (version: string, status: Partial<DeploymentStatus>, spec: Partial<Deployment['spec']> = {}) =>
    Deployment.fromPartial({ metadata: { name: 'web', generation: 3 }, spec: { replicas: 2, template: template(version), ...spec }, status });
  const revisions = (status: DeploymentStatus | undefined) => status?.history.map((r) => r.revision);

  it('gives a first template revision 1', () => {
    const status = resolveRevision(deploymentOf('v1', {}), at(10))!;
    expect([status.revision, status.stableRevision, revisions(status)]).toEqual([1, 0, [1]]);
    expect(status.history[0]).toEqual({ revision: 1, templateHash: templateHash(template('v1')), template: template('v1'), createdAt: at(10) });
  });

  // Mirrors the worked example in revision-history.ts.
  it('numbers a new template max + 1, then moves a returning template to the next number', () => {
    const start = { revision: 2, stableRevision: 2, history: [record(1, 'A'), record(2, 'B')] };
    const third = resolveRevision(deploymentOf('C', start), at(20))!;
    expect([third.revision, third.stableRevision, revisions(third)]).toEqual([3, 2, [1, 2, 3]]);
    const back = resolveRevision(deploymentOf('B', third), at(30))!;
    expect([back.revision, back.stableRevision, revisions(back)]).toEqual([4, 4, [1, 3, 4]]);
    expect(back.history.find((r) => r.revision === 4)!.template).toEqual(template('B'));
  });

  it('changes nothing when the template is the current revision, and nothing while paused', () => {
    const status = { revision: 2, stableRevision: 2, history: [record(1, 'A'), record(2, 'B')] };
    expect(resolveRevision(deploymentOf('B', status), at(5))).toBeUndefined();
    expect(resolveRevision(deploymentOf('C', status, { paused: true }), at(5))).toBeUndefined();
  });

  it('trims to the history limit, keeping the stable revision', () => {
    const status = { revision: 3, stableRevision: 1, history: [record(1), record(2), record(3)] };
    const next = resolveRevision(deploymentOf('v4', status, { revisionHistoryLimit: 1 }), at(5))!;
    expect(revisions(next)).toEqual([1, 3, 4]);
    const longer = { revision: 4, stableRevision: 1, history: [record(1), record(2), record(3), record(4)] };
    const lowered = resolveRevision(deploymentOf('v4', longer, { revisionHistoryLimit: 1 }), at(5))!;
    expect([lowered.revision, revisions(lowered)]).toEqual([4, [1, 3, 4]]);
  });

  it('turns RolledBack False when a new revision starts, not when one comes back', () => {
    const rolledBack = { type: ROLLED_BACK, status: 'True', reason: 'ProgressDeadlineExceeded', message: 'm', lastTransitionTime: at(1) };
    const status = { revision: 3, stableRevision: 3, history: [record(2), record(3)], conditions: [rolledBack] };
    const fresh = resolveRevision(deploymentOf('v9', status), at(7))!;
    expect(fresh.conditions).toEqual([{ type: ROLLED_BACK, status: 'False', reason: 'NewRolloutStarted', message: 'revision 4 started rolling out', lastTransitionTime: at(7) }]);
    const undo = resolveRevision(deploymentOf('v2', status), at(7))!;
    expect(undo.conditions).toEqual([rolledBack]);
  });
});
