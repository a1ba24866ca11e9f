import { NodePhase } from '@helios/api';
import { describe, expect, it } from 'vitest';
import type { PoolMember } from './pool-member';
import { countMembers, memberCondition, planPool, poolTarget } from './pool-plan';

const { NODE_PHASE_READY: READY, NODE_PHASE_NOT_READY: NOT_READY, NODE_PHASE_DRAINING: DRAINING, NODE_PHASE_PROVISIONING: PROVISIONING } = NodePhase;

const member = (node: string, over: Partial<PoolMember> = {}): PoolMember => ({
  node,
  instanceId: `i-${node}`,
  state: 'running',
  launchedAt: new Date('2030-01-01T10:00:00Z'),
  phase: READY,
  live: true,
  ...over,
});

// The worked example of planPool's comment.
const example: PoolMember[] = [
  member('a', { launchedAt: new Date('2030-01-01T10:00:00Z') }),
  member('b', { launchedAt: new Date('2030-01-01T10:05:00Z') }),
  member('c', { phase: NOT_READY }),
  member('d', { state: 'pending', phase: undefined }),
  member('e', { phase: DRAINING }),
];

describe('poolTarget', () => {
  it.each([
    { min: 2, desired: 0, max: 10, want: 2 },
    { min: 2, desired: 5, max: 10, want: 5 },
    { min: 2, desired: 12, max: 10, want: 10 },
    { min: 0, desired: 0, max: 0, want: 0 },
  ])('min $min desired $desired max $max -> $want', ({ min, desired, max, want }) => {
    expect(poolTarget(min, desired, max)).toBe(want);
  });
});

describe('memberCondition', () => {
  it.each([
    { m: { state: 'pending', phase: undefined, live: false }, want: 'provisioning' },
    { m: { state: 'running', phase: undefined, live: false }, want: 'provisioning' },
    { m: { state: 'running', phase: PROVISIONING, live: true }, want: 'provisioning' },
    { m: { state: 'running', phase: READY, live: true }, want: 'ready' },
    { m: { state: 'running', phase: READY, live: false }, want: 'notReady' },
    { m: { state: 'running', phase: NOT_READY, live: true }, want: 'notReady' },
    { m: { state: 'running', phase: DRAINING, live: true }, want: 'draining' },
    { m: { state: undefined, phase: READY, live: true }, want: 'ready' },
  ] as const)('$m -> $want', ({ m, want }) => {
    expect(memberCondition(m)).toBe(want);
  });

  it('counts the worked example', () => {
    expect(countMembers(example)).toEqual({ provisioning: 1, ready: 2, notReady: 1, draining: 1 });
  });
});

describe('planPool', () => {
  it.each([
    { target: 3, want: { launch: 0, terminate: ['i-c'] } },
    { target: 5, want: { launch: 1, terminate: [] } },
    { target: 4, want: { launch: 0, terminate: [] } },
    { target: 1, want: { launch: 0, terminate: ['i-c', 'i-d', 'i-b'] } },
    { target: 0, want: { launch: 0, terminate: ['i-c', 'i-d', 'i-b', 'i-a'] } },
  ])('worked example, target $target', ({ target, want }) => {
    expect(planPool(target, example)).toEqual(want);
  });

  it('launches the whole target into an empty pool', () => {
    expect(planPool(3, [])).toEqual({ launch: 3, terminate: [] });
  });

  it('neither counts nor terminates live nodes the cloud does not list', () => {
    const manual = member('manual', { instanceId: undefined, state: undefined });
    expect(planPool(1, [manual])).toEqual({ launch: 1, terminate: [] });
    expect(planPool(0, [manual, member('x')])).toEqual({ launch: 0, terminate: ['i-x'] });
  });

  it('breaks ties between equally old nodes by name, so the plan is deterministic', () => {
    expect(planPool(1, [member('y'), member('x')])).toEqual({ launch: 0, terminate: ['i-x'] });
  });
});
