import { AutoscalingStatus, type ScalingDecision } from '@helios/api';
import type { ScaleDecision } from './decide-scale';

/** Scaling decisions a deployment's status keeps, newest last. */
export const DECISION_HISTORY = 10;

/**
 * The status.autoscaling to write after a decision, or undefined when it would change nothing
 * (a Hold that leaves desired and panic as stored): the autoscaler writes only on a change, so
 * a deployment at rest costs no etcd write per tick. A change of the count appends a decision
 * (at most DECISION_HISTORY kept); the last request is kept as it is.
 *
 * Example: stored desired 4, no panic; decision 4 -> 9 Panic -> desired 9, panic true, and
 * { from 4, to 9, reason Panic } appended.
 */
export function nextScalingStatus(stored: AutoscalingStatus | undefined, current: number, decision: ScaleDecision, now: string): AutoscalingStatus | undefined {
  const previous = AutoscalingStatus.fromPartial(stored ?? {});
  const changed = decision.replicas !== current;
  if (!changed && previous.desiredReplicas === decision.replicas && previous.panic === decision.panic) return undefined;
  const entry: ScalingDecision = { decisionTime: now, fromReplicas: current, toReplicas: decision.replicas, reason: decision.reason, message: decision.message };
  return {
    ...previous,
    desiredReplicas: decision.replicas,
    panic: decision.panic,
    decisions: changed ? [...previous.decisions, entry].slice(-DECISION_HISTORY) : previous.decisions,
  };
}
