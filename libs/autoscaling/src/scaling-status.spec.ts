import { AutoscalingStatus } from '@helios/api';
import { describe, expect, it } from 'vitest';
import type { ScaleDecision } from './decide-scale';
import { EMPTY_SCALER_STATE } from './scaler-state';
import { DECISION_HISTORY, nextScalingStatus } from './scaling-status';

const NOW = '2026-01-01T00:00:00.000Z';
const decision = (replicas: number, reason: ScaleDecision['reason'], panic = false): ScaleDecision => ({ replicas, reason, message: `to ${replicas}`, panic, observed: [], state: EMPTY_SCALER_STATE });

describe('nextScalingStatus', () => {
  it('appends a decision when the count changes (the example on nextScalingStatus)', () => {
    expect(nextScalingStatus(AutoscalingStatus.fromPartial({ desiredReplicas: 4, panic: false }), 4, decision(9, 'Panic', true), NOW)).toEqual({
      desiredReplicas: 9,
      panic: true,
      decisions: [{ decisionTime: NOW, fromReplicas: 4, toReplicas: 9, reason: 'Panic', message: 'to 9' }],
    });
  });

  it.each([
    { name: 'a hold that changes nothing', stored: { desiredReplicas: 4, panic: false, decisions: [] }, current: 4, decision: decision(4, 'Hold'), want: undefined },
    { name: 'panic ending without a count change', stored: { desiredReplicas: 4, panic: true, decisions: [] }, current: 4, decision: decision(4, 'Hold'), want: { desiredReplicas: 4, panic: false, decisions: [] } },
    { name: 'a first look at a deployment', stored: undefined, current: 3, decision: decision(3, 'Hold'), want: { desiredReplicas: 3, panic: false, decisions: [] } },
  ])('$name', ({ stored, current, decision: d, want }) => {
    expect(nextScalingStatus(stored && AutoscalingStatus.fromPartial(stored), current, d, NOW)).toEqual(want);
  });

  it(`keeps the last ${DECISION_HISTORY} decisions and the request`, () => {
    const decisions = Array.from({ length: DECISION_HISTORY }, (_, i) => ({ decisionTime: NOW, fromReplicas: i, toReplicas: i + 1, reason: 'ScaleUp', message: '' }));
    const request = { replicas: 5, reason: 'x', requestTime: NOW };
    const next = nextScalingStatus(AutoscalingStatus.fromPartial({ desiredReplicas: 10, panic: false, decisions, request }), 10, decision(11, 'ScaleUp'), NOW)!;
    expect(next.decisions).toHaveLength(DECISION_HISTORY);
    expect(next.decisions[0]!.fromReplicas).toBe(1);
    expect(next.decisions.at(-1)!.toReplicas).toBe(11);
    expect(next.request).toEqual(request);
  });
});
