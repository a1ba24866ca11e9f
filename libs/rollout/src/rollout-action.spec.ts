import { Deployment, RolloutAction } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { applyRolloutAction, RESTARTED_AT_ANNOTATION } from './rollout-action';

const NOW = '2025-01-01T00:00:00.000Z';
const template = (cmd: string) => ({ command: [cmd], gpus: 1, gpuType: 'h100' });
const deployment = (paused = false) =>
  Deployment.fromPartial({
    metadata: { name: 'd', generation: 5 },
    spec: { replicas: 2, paused, template: template('v3') },
    status: {
      revision: 3,
      history: [
        { revision: 2, template: template('v2') },
        { revision: 1, template: template('v1') },
        { revision: 3, template: template('v3') },
      ],
    },
  });

describe('applyRolloutAction', () => {
  it.each([
    { name: 'pause', d: deployment(false), action: RolloutAction.ROLLOUT_ACTION_PAUSE, to: 0, paused: true, command: 'v3' },
    { name: 'resume', d: deployment(true), action: RolloutAction.ROLLOUT_ACTION_RESUME, to: 0, paused: false, command: 'v3' },
    // The worked example: revision 3, history [1, 2, 3], UNDO to 0 -> revision 2.
    { name: 'undo to previous', d: deployment(), action: RolloutAction.ROLLOUT_ACTION_UNDO, to: 0, paused: false, command: 'v2' },
    { name: 'undo to revision 1', d: deployment(), action: RolloutAction.ROLLOUT_ACTION_UNDO, to: 1, paused: false, command: 'v1' },
  ])('$name', ({ d, action, to, paused, command }) => {
    const outcome = applyRolloutAction(d, action, to, NOW);
    if (!('next' in outcome) || !outcome.next) throw new Error(`expected a change, got ${JSON.stringify(outcome)}`);
    expect(outcome.next.spec?.paused).toBe(paused);
    expect(outcome.next.spec?.template?.command).toEqual([command]);
    expect(outcome.next.metadata?.generation).toBe(6);
    expect(outcome.next.status).toEqual(d.status);
  });

  it('restart stamps the template so it becomes a new revision', () => {
    const outcome = applyRolloutAction(deployment(), RolloutAction.ROLLOUT_ACTION_RESTART, 0, NOW);
    expect('next' in outcome && outcome.next?.spec?.template?.annotations).toEqual({ [RESTARTED_AT_ANNOTATION]: NOW });
  });

  it.each([
    { name: 'pause when paused', d: deployment(true), action: RolloutAction.ROLLOUT_ACTION_PAUSE },
    { name: 'resume when running', d: deployment(false), action: RolloutAction.ROLLOUT_ACTION_RESUME },
  ])('writes nothing for $name', ({ d, action }) => {
    expect(applyRolloutAction(d, action, 0, NOW)).toEqual({ next: undefined });
  });

  it.each([
    { name: 'unknown revision', action: RolloutAction.ROLLOUT_ACTION_UNDO, to: 9, code: 'precondition', error: 'toRevision: revision 9 is not in the rollout history (revisions: 1, 2, 3)' },
    { name: 'unspecified action', action: RolloutAction.ROLLOUT_ACTION_UNSPECIFIED, to: 0, code: 'invalid', error: 'action: must be one of PAUSE, RESUME, RESTART, UNDO' },
    { name: 'unknown action number', action: 17 as RolloutAction, to: 0, code: 'invalid', error: 'got 17' },
  ])('refuses $name', ({ action, to, code, error }) => {
    const outcome = applyRolloutAction(deployment(), action, to, NOW);
    expect('error' in outcome && outcome.code).toBe(code);
    expect('error' in outcome && outcome.error).toContain(error);
  });

  it('refuses to undo past the first revision', () => {
    const first = Deployment.fromPartial({ metadata: { name: 'd' }, spec: { template: template('v1') }, status: { revision: 1, history: [{ revision: 1, template: template('v1') }] } });
    const outcome = applyRolloutAction(first, RolloutAction.ROLLOUT_ACTION_UNDO, 0, NOW);
    expect('error' in outcome && outcome.error).toBe('toRevision: a revision before 1 is not in the rollout history (revisions: 1)');
  });
});
