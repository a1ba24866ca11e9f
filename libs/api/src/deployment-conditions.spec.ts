import { describe, expect, it } from 'vitest';
import { findCondition, isConditionTrue, setCondition } from './deployment-conditions';

describe('setCondition', () => {
  const t0 = '2025-01-01T00:00:00.000Z';
  const t1 = '2025-01-01T00:01:00.000Z';
  const start = [
    { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'old', lastTransitionTime: t0 },
    { type: 'Other', status: 'True', reason: 'X', message: '', lastTransitionTime: t0 },
  ];

  // Mirrors the example in deployment-conditions.ts.
  it.each([
    { name: 'same status keeps the transition time', status: 'True', want: t0 },
    { name: 'a flip moves it to now', status: 'False', want: t1 },
  ])('$name', ({ status, want }) => {
    const next = setCondition(start, { type: 'Available', status, reason: 'R', message: 'new' }, t1);
    expect(next.map((c) => c.type)).toEqual(['Available', 'Other']);
    expect(findCondition(next, 'Available')).toEqual({ type: 'Available', status, reason: 'R', message: 'new', lastTransitionTime: want });
  });

  it('appends a new type', () => {
    const next = setCondition(start, { type: 'Complete', status: 'True', reason: 'R', message: '' }, t1);
    expect(next.map((c) => [c.type, c.lastTransitionTime])).toEqual([
      ['Available', t0],
      ['Other', t0],
      ['Complete', t1],
    ]);
    expect([isConditionTrue(next, 'Complete'), isConditionTrue(next, 'Missing')]).toEqual([true, false]);
  });
});
