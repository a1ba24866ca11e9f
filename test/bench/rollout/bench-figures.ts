import { rollingLimits } from '@helios/rollout';

/** What the rollout benchmark measured. */
export interface RolloutFigures {
  requests: number;
  failedRequests: number;
  /** Failed requests by phase, for the report. */
  failedByPhase: Record<string, number>;
  /** Answers from a version that should no longer serve: the rollout to its successor had completed. */
  staleResponses: number;
  /** Apply of v2 -> rollout complete (phase 1). */
  rolloutSeconds: number;
  /** The least a rollout of this size and strategy can take (see idealRolloutSeconds). */
  idealRolloutSeconds: number;
  /** Fewest serving replicas (Ready, not retiring) seen during the two rollouts. */
  minReady: number;
  /** Fewest serving replicas during the rollout with a node killed (the node's replicas are lost). */
  minReadyNodeKill: number;
  /** The broken version was rolled back by the controller on its own (condition, metric, template). */
  rolledBackAutomatically: boolean;
  /** Apply of the broken version -> back on the previous one, complete. */
  rollbackSeconds: number;
  /** Apply of v4 -> complete, with a node killed on the way. */
  nodeKillRolloutSeconds: number;
}

/**
 * The least time a rolling update can take: it moves at most maxSurge + maxUnavailable replicas
 * per step, and each step waits for a new replica to start, pass its probe and stay Ready for
 * minReadySeconds.
 *
 * Worked example: 8 replicas, surge 25 % (2), unavailable 0, a replica Ready 1.5 s after it is
 * created, minReadySeconds 1 -> ceil(8 / 2) = 4 steps of 2.5 s = 10 s.
 */
export function idealRolloutSeconds(replicas: number, maxSurge: string, maxUnavailable: string, readySeconds: number, minReadySeconds: number): number {
  const limits = rollingLimits(maxSurge, maxUnavailable, replicas);
  const perStep = Math.max(1, limits.maxSurge + limits.maxUnavailable);
  return Math.ceil(replicas / perStep) * (readySeconds + minReadySeconds);
}

/**
 * Why a run fails the benchmark, or [] when it passes: no failed request, no stale answer, never
 * fewer than replicas - maxUnavailable serving during the rollouts, and the broken version
 * rolled back on its own.
 */
export function benchFailures(f: RolloutFigures, replicas: number, maxUnavailable: number): string[] {
  const failures: string[] = [];
  if (f.failedRequests > 0) failures.push(`${f.failedRequests} requests failed`);
  if (f.staleResponses > 0) failures.push(`${f.staleResponses} answers came from a version whose successor had completed its rollout`);
  if (f.minReady < replicas - maxUnavailable) failures.push(`only ${f.minReady} replicas served at one point; at least ${replicas - maxUnavailable} wanted`);
  if (!f.rolledBackAutomatically) failures.push('the broken version was not rolled back automatically');
  return failures;
}
