import { AutoscalingStatus, DeploymentStatus, type Deployment } from '@helios/api';

/** What recording a RequestReplicas does to a deployment. */
export type ReplicaRequestOutcome = { next: Deployment; replicas: number } | { error: string };

/**
 * Records a service's replica request in status.autoscaling.request, clamped to
 * [minReplicas, maxReplicas]; the autoscaler takes it as one more recommendation (the largest
 * count wins). A deployment without spec.autoscaling has nothing to clamp to and nobody to act
 * on the request: an error.
 *
 * Example: min 2, max 10, a request for 40 -> recorded as 10; for 0 -> 2.
 */
export function recordReplicaRequest(deployment: Deployment, requested: number, reason: string, now: string): ReplicaRequestOutcome {
  const autoscaling = deployment.spec?.autoscaling;
  if (!autoscaling) return { error: 'has no spec.autoscaling: set it, or use Scale' };
  const replicas = Math.min(autoscaling.maxReplicas, Math.max(autoscaling.minReplicas, requested));
  const status = DeploymentStatus.fromPartial(deployment.status ?? {});
  const current = AutoscalingStatus.fromPartial(status.autoscaling ?? {});
  return {
    next: { ...deployment, status: { ...status, autoscaling: { ...current, request: { replicas, reason, requestTime: now } } } },
    replicas,
  };
}
