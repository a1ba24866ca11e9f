import { Deployment } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { rolloutBaseline, rolloutVerdict } from './rollout-progress';

const T1 = '2025-01-01T00:00:00.000Z';
const T2 = '2025-01-01T00:05:00.000Z';
const rolledBack = (at: string) => ({ type: 'RolledBack', status: 'True', reason: 'ProgressDeadlineExceeded', message: 'revision 2 rolled back to the template of revision 1: it made no progress for 10s', lastTransitionTime: at });
const deployment = (status: Partial<NonNullable<Deployment['status']>>, spec: Partial<NonNullable<Deployment['spec']>> = {}, generation = 2) =>
  Deployment.fromPartial({ metadata: { name: 'web', generation }, spec: { replicas: 8, ...spec }, status: { observedGeneration: 2, ...status } });

describe('rolloutVerdict', () => {
  // Mirrors the examples in rollout-progress.ts.
  it.each([
    { name: 'spec not observed', d: deployment({ observedGeneration: 1 }), want: ['waiting', 'Waiting for deployment spec update to be observed...'] },
    { name: 'updating', d: deployment({ replicas: 10, updatedReplicas: 2, availableReplicas: 8 }), want: ['waiting', 'Waiting for deployment "web" rollout to finish: 2 out of 8 new replicas have been updated...'] },
    { name: 'old left', d: deployment({ replicas: 10, updatedReplicas: 8, availableReplicas: 10 }), want: ['waiting', 'Waiting for deployment "web" rollout to finish: 2 old replicas are pending termination...'] },
    { name: 'not available', d: deployment({ replicas: 8, updatedReplicas: 8, availableReplicas: 6 }), want: ['waiting', 'Waiting for deployment "web" rollout to finish: 6 of 8 updated replicas are available...'] },
    { name: 'paused', d: deployment({ replicas: 8, updatedReplicas: 2 }, { paused: true }), want: ['waiting', 'Waiting for deployment "web" rollout to finish: the deployment is paused (resume it: helios rollout resume deployment/web)'] },
    { name: 'done', d: deployment({ replicas: 8, updatedReplicas: 8, availableReplicas: 8 }), want: ['done', 'deployment "web" successfully rolled out'] },
    {
      name: 'deadline exceeded',
      d: deployment({ conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'revision 1 made no progress for 600s', lastTransitionTime: T1 }] }),
      want: ['failed', 'deployment "web" exceeded its progress deadline: revision 1 made no progress for 600s'],
    },
    {
      name: 'rolled back',
      d: deployment({ observedGeneration: 1, conditions: [rolledBack(T1)] }),
      want: ['failed', 'deployment "web" rollout failed and was rolled back: revision 2 rolled back to the template of revision 1: it made no progress for 10s'],
    },
  ])('$name', ({ d, want }) => {
    const verdict = rolloutVerdict(d, { rolledBackAt: undefined });
    expect([verdict.state, verdict.message]).toEqual(want);
  });

  it('counts only a rollback after the command started', () => {
    const before = deployment({ replicas: 8, updatedReplicas: 8, availableReplicas: 8, conditions: [rolledBack(T1)] });
    const baseline = rolloutBaseline(before);
    expect(baseline).toEqual({ rolledBackAt: T1 });
    expect(rolloutVerdict(before, baseline).state).toBe('done');
    expect(rolloutVerdict(deployment({ conditions: [rolledBack(T2)] }), baseline).state).toBe('failed');
    expect(rolloutBaseline(deployment({}))).toEqual({ rolledBackAt: undefined });
  });
});
