import { CellPhase, CellStatus } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { CELL_CONDITIONS } from '@helios/replica-lifecycle';
import { cellLivenessStatus } from './cell-liveness-status';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-01T00:01:00.000Z';

const ready = CellStatus.fromPartial({
  phase: CellPhase.CELL_PHASE_READY,
  agentLive: true,
  agentId: 'a1',
  nodes: 4,
  conditions: [
    { type: 'Other', status: 'True' },
    { type: CELL_CONDITIONS.agentLive, status: 'True', reason: 'AgentKeyPresent', message: 'cell agent a1 holds the agent key', lastTransitionTime: T0 },
  ],
});

describe('cellLivenessStatus', () => {
  it.each([
    { name: 'new cell, no agent', current: undefined, agent: undefined, phase: CellPhase.CELL_PHASE_UNREACHABLE, live: false, id: '', since: T1 },
    { name: 'new cell, agent up', current: undefined, agent: 'a1', phase: CellPhase.CELL_PHASE_READY, live: true, id: 'a1', since: T1 },
    // The worked example in the function's comment.
    { name: 'agent died', current: ready, agent: undefined, phase: CellPhase.CELL_PHASE_UNREACHABLE, live: false, id: '', since: T1 },
    // A new agent took over: still live, so the condition keeps its transition time.
    { name: 'agent replaced', current: ready, agent: 'a2', phase: CellPhase.CELL_PHASE_READY, live: true, id: 'a2', since: T0 },
  ])('$name', ({ current, agent, phase, live, id, since }) => {
    const next = cellLivenessStatus(current, agent, T1)!;
    expect(next).toBeDefined();
    expect([next.phase, next.agentLive, next.agentId]).toEqual([phase, live, id]);
    const condition = next.conditions.find((c) => c.type === CELL_CONDITIONS.agentLive)!;
    expect([condition.status, condition.lastTransitionTime]).toEqual([live ? 'True' : 'False', since]);
  });

  it('keeps a Degraded cell Degraded while its agent lives, and Unreachable wins when it dies', () => {
    const degraded = CellStatus.fromPartial({ ...ready, phase: CellPhase.CELL_PHASE_DEGRADED, conditions: [...ready.conditions, { type: 'Degraded', status: 'True', reason: 'NodeStorm' }] });
    expect(cellLivenessStatus(degraded, 'a1', T1)).toBeUndefined();
    expect(cellLivenessStatus({ ...degraded, phase: CellPhase.CELL_PHASE_READY }, 'a1', T1)!.phase).toBe(CellPhase.CELL_PHASE_DEGRADED);
    expect(cellLivenessStatus(degraded, undefined, T1)!.phase).toBe(CellPhase.CELL_PHASE_UNREACHABLE);
  });

  it('keeps the rest of the status', () => {
    const next = cellLivenessStatus(ready, undefined, T1)!;
    expect(next.nodes).toBe(4);
    expect(next.conditions.map((c) => c.type)).toEqual(['Other', CELL_CONDITIONS.agentLive]);
  });

  it.each([
    { name: 'live and recorded', current: ready, agent: 'a1' },
    { name: 'dead and recorded', current: cellLivenessStatus(ready, undefined, T0), agent: undefined },
  ])('writes nothing when $name', ({ current, agent }) => {
    expect(cellLivenessStatus(current, agent, T1)).toBeUndefined();
  });
});
