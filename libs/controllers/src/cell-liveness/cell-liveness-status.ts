import { CellPhase, CellStatus, type Condition } from '@helios/api';
import { CELL_CONDITIONS, CELL_REASONS } from '@helios/replica-lifecycle';

/**
 * The Cell status that follows from its agent key, or undefined when the status already says so.
 * The agent key exists exactly while the cell agent's lease lives, so: key present -> agentLive,
 * phase Ready (Degraded while the node-lifecycle controller holds the Degraded condition True:
 * that phase is its fact, not ours to reset), agentId from the key; key absent -> not live,
 * phase Unreachable, no agent id.
 * The AgentLive condition changes its lastTransitionTime only when its status flips.
 *
 * Example: status {phase Ready, agentLive true, agentId "a1"} and no key at `now` ->
 * {phase Unreachable, agentLive false, agentId "", AgentLive=False since now}.
 */
export function cellLivenessStatus(current: CellStatus | undefined, agentId: string | undefined, now: string): CellStatus | undefined {
  const status = current ?? CellStatus.fromPartial({});
  const live = agentId !== undefined;
  const degraded = status.conditions.some((c) => c.type === CELL_CONDITIONS.degraded && c.status === 'True');
  const phase = !live ? CellPhase.CELL_PHASE_UNREACHABLE : degraded ? CellPhase.CELL_PHASE_DEGRADED : CellPhase.CELL_PHASE_READY;
  const condition: Condition = live
    ? { type: CELL_CONDITIONS.agentLive, status: 'True', reason: CELL_REASONS.agentKeyPresent, message: `cell agent ${agentId} holds the agent key`, lastTransitionTime: now }
    : { type: CELL_CONDITIONS.agentLive, status: 'False', reason: CELL_REASONS.agentKeyMissing, message: 'no cell agent holds the agent key', lastTransitionTime: now };
  const previous = status.conditions.find((c) => c.type === CELL_CONDITIONS.agentLive);
  const sameCondition = previous !== undefined && previous.status === condition.status && previous.reason === condition.reason && previous.message === condition.message;
  if (current && status.agentLive === live && status.phase === phase && status.agentId === (agentId ?? '') && sameCondition) return undefined;
  const kept = previous !== undefined && previous.status === condition.status ? previous.lastTransitionTime : now;
  return {
    ...status,
    phase,
    agentLive: live,
    agentId: agentId ?? '',
    conditions: [...status.conditions.filter((c) => c.type !== CELL_CONDITIONS.agentLive), { ...condition, lastTransitionTime: kept }],
  };
}
