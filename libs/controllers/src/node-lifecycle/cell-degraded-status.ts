import { CellPhase, CellStatus, type Condition } from '@helios/api';
import { CELL_CONDITIONS, CELL_REASONS } from '@helios/replica-lifecycle';

/**
 * The Cell status that follows from the storm limiter's verdict, or undefined when it already
 * says so. Degraded: condition Degraded=True (reason NodeStorm) and a Ready phase turns
 * Degraded. Recovered: the condition turns False and a Degraded phase turns Ready again. Only
 * flips are written (the message of a standing condition is not refreshed), so a storm costs
 * two writes, not one per reconcile; a cell never Degraded gets no condition at all.
 *
 * Example: {phase Ready} with degraded and "6 of 10 nodes went silent within 10 s" at `now` ->
 * {phase Degraded, Degraded=True reason NodeStorm since now}.
 */
export function cellDegradedStatus(current: CellStatus | undefined, degraded: boolean, message: string, now: string): CellStatus | undefined {
  const status = current ?? CellStatus.fromPartial({});
  const previous = status.conditions.find((c) => c.type === CELL_CONDITIONS.degraded);
  const wasDegraded = previous?.status === 'True';
  if (degraded === wasDegraded) return undefined;
  if (!degraded && !previous) return undefined;
  const condition: Condition = degraded
    ? { type: CELL_CONDITIONS.degraded, status: 'True', reason: CELL_REASONS.nodeStorm, message, lastTransitionTime: now }
    : { type: CELL_CONDITIONS.degraded, status: 'False', reason: CELL_REASONS.nodesReporting, message, lastTransitionTime: now };
  let phase = status.phase;
  if (degraded && phase === CellPhase.CELL_PHASE_READY) phase = CellPhase.CELL_PHASE_DEGRADED;
  if (!degraded && phase === CellPhase.CELL_PHASE_DEGRADED) phase = CellPhase.CELL_PHASE_READY;
  return { ...status, phase, conditions: [...status.conditions.filter((c) => c.type !== CELL_CONDITIONS.degraded), condition] };
}
