import { Node, NodePhase } from '@helios/api';
import { NODE_REASONS } from '@helios/replica-lifecycle';
import { describe, expect, it } from 'vitest';
import type { PoolMember } from './pool-member';
import { countMembers, memberCondition, planPool, poolTarget, type PoolPlan } from './pool-plan';

const { NODE_PHASE_READY: READY, NODE_PHASE_NOT_READY: NOT_READY, NODE_PHASE_DRAINING: DRAINING, NODE_PHASE_PROVISIONING: PROVISIONING } = NodePhase;
const NOW = new Date('2030-01-01T11:00:00Z');
const at = (hhmm: string) => new Date(`2030-01-01T${hhmm}:00Z`);
// The graces of the worked example: 10 min for unknown and for NotReady instances.
const GRACE = { unknownGraceMs: 10 * 60_000, notReadyGraceMs: 10 * 60_000 };

/** A member with a registered Node in `phase` (undefined: no Node yet). */
const member = (node: string, over: Partial<PoolMember> & { reason?: string; since?: string; preemptionTime?: string; cordoned?: boolean } = {}): PoolMember => {
  const { reason, since, preemptionTime, cordoned, ...rest } = over;
  const phase = 'phase' in over ? over.phase : READY;
  const object =
    phase === undefined
      ? undefined
      : Node.fromPartial({
          metadata: { name: node },
          spec: { unschedulable: cordoned ?? false },
          status: { phase, reason: reason ?? '', lastTransitionTime: since ? at(since).toISOString() : undefined, preemptionTime },
        });
  return { node, instanceId: `i-${node}`, state: 'running', launchedAt: at('10:00'), live: true, object, busy: false, known: true, ...rest, phase };
};

/** The plan as names. */
const names = (plan: PoolPlan) => ({
  launch: plan.launch,
  reinstate: plan.reinstate.map((m) => m.node),
  scaleDown: plan.scaleDown.map((m) => m.node),
  terminate: plan.terminate.map((t) => `${t.member.node}:${t.reason}`),
});

// The worked example of planPool's comment.
const example: PoolMember[] = [
  member('a', { busy: true, launchedAt: at('10:00') }),
  member('b', { launchedAt: at('10:05') }),
  member('c', { launchedAt: at('10:10') }),
  member('d', { state: 'pending', phase: undefined, launchedAt: at('10:59') }),
  member('e', { phase: DRAINING, reason: NODE_REASONS.scaleDown }),
  member('f', { phase: NOT_READY, since: '10:30', live: false }),
  member('g', { phase: undefined, known: false, launchedAt: at('10:20') }),
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
    expect(countMembers(example)).toEqual({ provisioning: 2, ready: 3, notReady: 1, draining: 1 });
  });
});

describe('planPool', () => {
  it.each([
    { target: 2, want: { launch: 0, reinstate: [], scaleDown: ['d', 'c'], terminate: ['e:Drained', 'f:NotReady', 'g:Unknown'] } },
    { target: 6, want: { launch: 1, reinstate: ['e'], scaleDown: [], terminate: ['f:NotReady', 'g:Unknown'] } },
    { target: 4, want: { launch: 0, reinstate: [], scaleDown: [], terminate: ['e:Drained', 'f:NotReady', 'g:Unknown'] } },
    // Only idle nodes go: a is busy, so target 0 still keeps it.
    { target: 0, want: { launch: 0, reinstate: [], scaleDown: ['d', 'c', 'b'], terminate: ['e:Drained', 'f:NotReady', 'g:Unknown'] } },
  ])('worked example, target $target', ({ target, want }) => {
    expect(names(planPool(target, example, { now: NOW, ...GRACE }))).toEqual(want);
  });

  it('launches the whole target into an empty pool', () => {
    expect(names(planPool(3, [], { now: NOW, ...GRACE }))).toEqual({ launch: 3, reinstate: [], scaleDown: [], terminate: [] });
  });

  it('counts an unknown instance inside its grace as provisioning, and a cordoned node not at all', () => {
    const fresh = member('fresh', { phase: undefined, known: false, launchedAt: at('10:55') });
    const cordoned = member('cordoned', { cordoned: true });
    expect(names(planPool(2, [fresh, cordoned], { now: NOW, ...GRACE }))).toEqual({ launch: 1, reinstate: [], scaleDown: [], terminate: [] });
  });

  it('counts a Ready node whose heartbeat the cache has not seen yet, as the planner does', () => {
    expect(names(planPool(1, [member('fresh', { live: false })], { now: NOW, ...GRACE }))).toEqual({ launch: 0, reinstate: [], scaleDown: [], terminate: [] });
  });

  it('keeps a busy NotReady node, and a NotReady node inside its grace', () => {
    const busy = member('busy', { phase: NOT_READY, since: '09:00', live: false, busy: true });
    const recent = member('recent', { phase: NOT_READY, since: '10:55', live: false });
    expect(names(planPool(0, [busy, recent], { now: NOW, ...GRACE }))).toEqual({ launch: 0, reinstate: [], scaleDown: [], terminate: [] });
  });

  it('terminates a preempted node once its replicas are gone, and never puts it back', () => {
    const preempted = member('p', { phase: DRAINING, reason: 'Preempted', preemptionTime: at('11:02').toISOString() });
    expect(names(planPool(1, [preempted], { now: NOW, ...GRACE }))).toEqual({ launch: 1, reinstate: [], scaleDown: [], terminate: ['p:Drained'] });
    expect(names(planPool(1, [{ ...preempted, busy: true }], { now: NOW, ...GRACE }))).toEqual({ launch: 1, reinstate: [], scaleDown: [], terminate: [] });
  });

  it('neither counts nor terminates live nodes the cloud does not list', () => {
    const manual = member('manual', { instanceId: undefined, state: undefined });
    expect(names(planPool(1, [manual], { now: NOW, ...GRACE })).launch).toBe(1);
    expect(names(planPool(0, [manual, member('x')], { now: NOW, ...GRACE })).scaleDown).toEqual(['x']);
  });

  it('breaks ties between equally old nodes by name, so the plan is deterministic', () => {
    expect(names(planPool(1, [member('y'), member('x')], { now: NOW, ...GRACE })).scaleDown).toEqual(['x']);
  });
});
