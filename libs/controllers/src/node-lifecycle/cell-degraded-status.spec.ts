import { CellPhase, CellStatus } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { CELL_CONDITIONS } from '@helios/replica-lifecycle';
import { cellDegradedStatus } from './cell-degraded-status';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-01T00:01:00.000Z';
const ready = CellStatus.fromPartial({ phase: CellPhase.CELL_PHASE_READY, agentLive: true, nodes: 10, conditions: [{ type: 'AgentLive', status: 'True' }] });
const degradedOf = (s: CellStatus | undefined) => s?.conditions.find((c) => c.type === CELL_CONDITIONS.degraded);

describe('cellDegradedStatus', () => {
  it('marks a Ready cell Degraded (the worked example)', () => {
    const next = cellDegradedStatus(ready, true, '6 of 10 nodes went silent within 10 s', T1)!;
    expect(next.phase).toBe(CellPhase.CELL_PHASE_DEGRADED);
    expect(degradedOf(next)).toEqual({ type: CELL_CONDITIONS.degraded, status: 'True', reason: 'NodeStorm', message: '6 of 10 nodes went silent within 10 s', lastTransitionTime: T1 });
    expect(next.conditions.map((c) => c.type)).toEqual(['AgentLive', CELL_CONDITIONS.degraded]);
    expect(next.nodes).toBe(10);
  });

  it.each([
    { name: 'an Unreachable cell keeps its phase', phase: CellPhase.CELL_PHASE_UNREACHABLE, degraded: true, want: CellPhase.CELL_PHASE_UNREACHABLE },
    { name: 'a Pending cell keeps its phase', phase: CellPhase.CELL_PHASE_PENDING, degraded: true, want: CellPhase.CELL_PHASE_PENDING },
  ])('$name', ({ phase, degraded, want }) => {
    expect(cellDegradedStatus({ ...ready, phase }, degraded, 'm', T1)?.phase).toBe(want);
  });

  it('recovers: condition False, phase Ready again', () => {
    const stormy = cellDegradedStatus(ready, true, 'storm', T0)!;
    const next = cellDegradedStatus(stormy, false, '1 of 10 nodes silent', T1)!;
    expect(next.phase).toBe(CellPhase.CELL_PHASE_READY);
    expect(degradedOf(next)).toMatchObject({ status: 'False', reason: 'NodesReporting', lastTransitionTime: T1 });
  });

  it.each([
    { name: 'healthy and never Degraded', current: ready, degraded: false },
    { name: 'no status yet, healthy', current: undefined, degraded: false },
    { name: 'still Degraded (new message)', current: cellDegradedStatus(ready, true, 'storm', T0), degraded: true },
    { name: 'recovered earlier', current: cellDegradedStatus(cellDegradedStatus(ready, true, 's', T0), false, 'ok', T0), degraded: false },
  ])('writes nothing when $name', ({ current, degraded }) => {
    expect(cellDegradedStatus(current, degraded, 'another message', T1)).toBeUndefined();
  });
});
