import { Cell, CellPhase, ReplicaPhase } from '@helios/api';
import { CELL_CONDITIONS } from '@helios/replica-lifecycle';
import { describe, expect, it } from 'vitest';
import { strandedReplicas } from './stranded-replicas';
import { cell, replica } from './testing/fixtures';

const T0 = '2026-01-01T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000);

function unreachable(name: string, since: string | null = T0): Cell {
  const c = cell(name, CellPhase.CELL_PHASE_UNREACHABLE);
  c.status!.conditions = since === null ? [] : [{ type: CELL_CONDITIONS.agentLive, status: 'False', reason: 'AgentKeyMissing', message: '', lastTransitionTime: since }];
  return c;
}

const waiting = replica('web', 'r1', { cell: 'north' });
const bound = replica('web', 'r2', { cell: 'north', node: 'n1', phase: ReplicaPhase.REPLICA_PHASE_BOUND });
const ready = replica('web', 'r3', { cell: 'north', node: 'n1', phase: ReplicaPhase.REPLICA_PHASE_READY });
const elsewhere = replica('web', 'r4', { cell: 'south' });
const unplaced = replica('web', 'r5');
const all = [waiting, bound, ready, elsewhere, unplaced];

describe('strandedReplicas', () => {
  it('waits out the grace of an Unreachable cell and says when to look again', () => {
    expect(strandedReplicas('north', unreachable('north'), all, at(20), 30)).toEqual({ recheckAt: at(30) });
  });

  it('hands back only the Pending replicas of the cell without a node once the grace is over', () => {
    const { stranded, recheckAt } = strandedReplicas('north', unreachable('north'), all, at(31), 30);
    expect(recheckAt).toBeUndefined();
    expect(stranded?.replicas.map((r) => r.metadata?.name)).toEqual(['r1']);
    expect(stranded?.reason).toBe('CellUnreachable');
    expect(stranded?.message).toBe('cell north has had no live cell agent for 31s (grace 30s)');
  });

  it('hands back at once when the grace is 0', () => {
    expect(strandedReplicas('north', unreachable('north'), all, at(0), 0).stranded?.replicas).toHaveLength(1);
  });

  it('moves nothing from a Ready, Degraded, Pending or unknown cell', () => {
    expect(strandedReplicas('north', cell('north'), all, at(999), 30)).toEqual({});
    expect(strandedReplicas('north', cell('north', CellPhase.CELL_PHASE_DEGRADED), all, at(999), 30)).toEqual({});
    expect(strandedReplicas('north', cell('north', CellPhase.CELL_PHASE_PENDING), all, at(999), 30)).toEqual({});
    expect(strandedReplicas('north', undefined, all, at(999), 30)).toEqual({});
  });

  it('has nothing to do, and no recheck, when no replica waits in the cell', () => {
    expect(strandedReplicas('north', unreachable('north'), [bound, ready, elsewhere], at(999), 30)).toEqual({});
    expect(strandedReplicas('north', undefined, [], at(0), 30)).toEqual({});
  });

  it('leaves retired replicas to their deletion', () => {
    const retired = replica('web', 'r6', { cell: 'north' });
    retired.metadata!.deletionTime = T0;
    expect(strandedReplicas('north', unreachable('north'), [retired], at(999), 30)).toEqual({});
  });

  it('counts the grace from now when the Unreachable cell records no time', () => {
    expect(strandedReplicas('north', unreachable('north', null), all, at(100), 30)).toEqual({ recheckAt: at(130) });
  });
});
