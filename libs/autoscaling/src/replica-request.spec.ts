import { Deployment } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { recordReplicaRequest } from './replica-request';

const NOW = '2026-01-01T00:00:00.000Z';
const deployment = (autoscaling?: object) =>
  Deployment.fromPartial({ metadata: { name: 'llama' }, spec: { replicas: 3, autoscaling }, status: { readyReplicas: 3, autoscaling: { desiredReplicas: 3, panic: true } } });

describe('recordReplicaRequest', () => {
  // Mirrors the example on recordReplicaRequest.
  it.each([
    { requested: 40, want: 10 },
    { requested: 0, want: 2 },
    { requested: 5, want: 5 },
  ])('min 2, max 10: $requested -> $want', ({ requested, want }) => {
    const outcome = recordReplicaRequest(deployment({ minReplicas: 2, maxReplicas: 10, targetLoad: 1 }), requested, 'queue forecast', NOW);
    if ('error' in outcome) throw new Error(outcome.error);
    expect(outcome.replicas).toBe(want);
    expect(outcome.next.status?.autoscaling).toEqual({ desiredReplicas: 3, panic: true, decisions: [], request: { replicas: want, reason: 'queue forecast', requestTime: NOW } });
    // The spec is the autoscaler's to change, and the rest of the status stays.
    expect(outcome.next.spec?.replicas).toBe(3);
    expect(outcome.next.status?.readyReplicas).toBe(3);
  });

  it('refuses a deployment without autoscaling', () => {
    expect(recordReplicaRequest(deployment(), 4, 'x', NOW)).toEqual({ error: 'has no spec.autoscaling: set it, or use Scale' });
  });
});
