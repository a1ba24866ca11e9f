import { NodePhase, type Condition, type NodeStatus } from '@helios/api';
import { NODE_CONDITIONS, NODE_REASONS } from '@helios/replica-lifecycle';

// Phases in which a node holds a heartbeat, so losing it means the node is gone. Provisioning
// nodes have not registered yet and Terminated ones are gone on purpose.
const LIVE_PHASES: ReadonlySet<NodePhase> = new Set([NodePhase.NODE_PHASE_READY, NodePhase.NODE_PHASE_NOT_READY, NodePhase.NODE_PHASE_DRAINING]);

/** True for the phases in which a node is expected to hold a heartbeat (Ready, NotReady, Draining). */
export function holdsHeartbeat(status: NodeStatus | undefined): boolean {
  return status !== undefined && LIVE_PHASES.has(status.phase);
}

/** True when the node lifecycle controller has recorded the node's heartbeat as lost. */
export function isHeartbeatLost(status: NodeStatus | undefined): boolean {
  return status?.conditions.some((c) => c.type === NODE_CONDITIONS.heartbeat && c.status === 'False') ?? false;
}

/**
 * The Node status once its heartbeat is lost, or undefined when the status already says so (or
 * the node is not in a phase that holds a heartbeat). A Ready node turns NotReady with reason
 * HeartbeatLost and a new lastTransitionTime; a Draining node stays Draining (the cell agent's
 * decision) and a node NotReady for another reason keeps it; all get Heartbeat=False.
 *
 * Example: {phase Ready} at `now` -> {phase NotReady, reason HeartbeatLost, lastTransitionTime
 * now, Heartbeat=False since now}.
 */
export function heartbeatLostStatus(current: NodeStatus | undefined, now: string, message: string): NodeStatus | undefined {
  if (!current || !holdsHeartbeat(current)) return undefined;
  const toNotReady = current.phase === NodePhase.NODE_PHASE_READY;
  if (!toNotReady && isHeartbeatLost(current)) return undefined;
  const condition: Condition = { type: NODE_CONDITIONS.heartbeat, status: 'False', reason: NODE_REASONS.heartbeatLost, message, lastTransitionTime: now };
  return {
    ...current,
    ...(toNotReady ? { phase: NodePhase.NODE_PHASE_NOT_READY, reason: NODE_REASONS.heartbeatLost, lastTransitionTime: now } : {}),
    conditions: withCondition(current.conditions, condition),
  };
}

/**
 * The Node status once its heartbeat is back, or undefined when nothing needs to change. A node
 * NotReady because of HeartbeatLost turns Ready again; Heartbeat=False turns True. Anything
 * else (Draining, NotReady for another reason) is left alone.
 *
 * Example: {phase NotReady, reason HeartbeatLost, Heartbeat=False} at `now` -> {phase Ready,
 * reason "", lastTransitionTime now, Heartbeat=True since now}.
 */
export function heartbeatRestoredStatus(current: NodeStatus | undefined, now: string): NodeStatus | undefined {
  if (!current) return undefined;
  const toReady = current.phase === NodePhase.NODE_PHASE_NOT_READY && current.reason === NODE_REASONS.heartbeatLost;
  const lost = isHeartbeatLost(current);
  if (!toReady && !lost) return undefined;
  const condition: Condition = { type: NODE_CONDITIONS.heartbeat, status: 'True', reason: NODE_REASONS.heartbeatPresent, message: 'the node holds its heartbeat key', lastTransitionTime: now };
  return {
    ...current,
    ...(toReady ? { phase: NodePhase.NODE_PHASE_READY, reason: '', lastTransitionTime: now } : {}),
    conditions: lost ? withCondition(current.conditions, condition) : current.conditions,
  };
}

/** The status's time of losing its heartbeat (the Heartbeat=False condition's), in ms; undefined if not lost. */
export function heartbeatLostAt(status: NodeStatus | undefined): number | undefined {
  const condition = status?.conditions.find((c) => c.type === NODE_CONDITIONS.heartbeat && c.status === 'False');
  const at = condition?.lastTransitionTime ? Date.parse(condition.lastTransitionTime) : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
}

function withCondition(conditions: readonly Condition[], condition: Condition): Condition[] {
  return [...conditions.filter((c) => c.type !== condition.type), condition];
}
