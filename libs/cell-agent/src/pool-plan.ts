import { NodePhase } from '@helios/api';
import { NODE_REASONS } from '@helios/replica-lifecycle';
import type { PoolMember } from './pool-member';

/** Why an instance is terminated: drained and idle, NotReady and idle past its grace, or unknown to etcd past its grace. */
export type TerminateReason = 'Drained' | 'NotReady' | 'Unknown';

/** What one pool reconcile should do. */
export interface PoolPlan {
  /** How many instances to launch. */
  launch: number;
  /** Members drained for scale-down to put back into service instead of launching new ones. */
  reinstate: PoolMember[];
  /** Idle serving members to give back: drained, then terminated. */
  scaleDown: PoolMember[];
  /** Members whose instance to terminate now, and why. */
  terminate: { member: PoolMember; reason: TerminateReason }[];
}

/** Grace periods of planPool: the cell agent's settings (see resolveCellAgentSettings). */
export interface PoolPlanOptions {
  now: Date;
  /** How long an instance etcd does not know is left alone (it may be booting). */
  unknownGraceMs: number;
  /** How long an idle NotReady node's instance is kept in case it comes back. */
  notReadyGraceMs: number;
}

/** How a member counts in the pool's status. */
export type MemberCondition = 'provisioning' | 'ready' | 'notReady' | 'draining';

/**
 * The node count a pool should have: the planner's `desired`, never below `min`, never above `max`
 * (validation guarantees min <= max).
 *
 * | min | desired | max | target |
 * |-----|---------|-----|--------|
 * | 2   | 0       | 10  | 2      |  (planner wants nothing yet: min holds)
 * | 2   | 5       | 10  | 5      |
 * | 2   | 12      | 10  | 10     |  (capped)
 * | 0   | 0       | 0   | 0      |
 */
export function poolTarget(min: number, desired: number, max: number): number {
  return Math.min(Math.max(min, desired), max);
}

/**
 * Where a member stands: draining wins (it is leaving); a member without a registered Node, or
 * still pending in the cloud, is provisioning; a Ready Node counts as ready only while its
 * heartbeat exists; anything else is notReady.
 */
export function memberCondition(member: Pick<PoolMember, 'state' | 'phase' | 'live'>): MemberCondition {
  if (member.phase === NodePhase.NODE_PHASE_DRAINING) return 'draining';
  if (member.state === 'pending' || member.phase === undefined || member.phase === NodePhase.NODE_PHASE_UNSPECIFIED || member.phase === NodePhase.NODE_PHASE_PROVISIONING) {
    return 'provisioning';
  }
  if (member.phase === NodePhase.NODE_PHASE_READY && member.live) return 'ready';
  return 'notReady';
}

/** Counts members by condition, for the pool's status. */
export function countMembers(members: readonly Pick<PoolMember, 'state' | 'phase' | 'live'>[]): Record<MemberCondition, number> {
  const counts: Record<MemberCondition, number> = { provisioning: 0, ready: 0, notReady: 0, draining: 0 };
  for (const m of members) counts[memberCondition(m)]++;
  return counts;
}

/**
 * Tells whether a member is capacity the pool counts toward its target, exactly as the capacity
 * planner counts a serving node (`desired` is in serving nodes): a cloud instance whose Node is
 * Provisioning or Ready (or not registered yet), not cordoned, and known to etcd (or still inside
 * the grace an unknown instance gets, since a freshly launched one registers only after it boots).
 * The heartbeat is not consulted: a lost one turns the Node NotReady (the node lifecycle
 * controller's call), and a Node seen before its heartbeat (two watches) must not look missing,
 * or a replacement would be launched for a healthy node.
 */
export function isServingMember(member: PoolMember, options: PoolPlanOptions): boolean {
  if (!member.instanceId || member.object?.spec?.unschedulable) return false;
  const phase = member.phase ?? NodePhase.NODE_PHASE_UNSPECIFIED;
  if (phase !== NodePhase.NODE_PHASE_UNSPECIFIED && phase !== NodePhase.NODE_PHASE_PROVISIONING && phase !== NodePhase.NODE_PHASE_READY) return false;
  return member.known !== false || !pastGrace(member.launchedAt, options.unknownGraceMs, options.now);
}

/** Tells whether a member was drained by the cell agent for scale-down (and may be put back). */
export function drainedForScaleDown(member: PoolMember): boolean {
  return member.phase === NodePhase.NODE_PHASE_DRAINING && member.object?.status?.reason === NODE_REASONS.scaleDown && !member.object.status.preemptionTime;
}

/** Tells whether the cloud announced it will take the member back (a preemption notice). */
export function isPreempted(member: PoolMember): boolean {
  return !!member.object?.status?.preemptionTime;
}

// Scale-down gives back the least useful idle node first: one still booting (nothing can run on it
// yet), then a Ready one; the newest first within each, so long-lived (warm) nodes stay.
const SCALE_DOWN_ORDER: Record<'provisioning' | 'ready', number> = { provisioning: 0, ready: 1 };

/**
 * Decides what brings the pool to `target` serving nodes (see isServingMember): draining, NotReady
 * and cordoned nodes do not count, so a preempted or dead node is replaced at once.
 *
 * - Short of target: first put back nodes drained for scale-down (they are still paid for), then
 *   launch the rest.
 * - Over target: give back idle serving nodes only (a node any replica names is never chosen), in
 *   scale-down order. The caller drains them before terminating, so nothing is bound meanwhile.
 * - Terminate drained nodes (for scale-down, or preempted) once idle; idle NotReady nodes after
 *   `notReadyGraceMs` in that phase; instances etcd does not know after `unknownGraceMs` (garbage
 *   a crashed or foreign launcher left behind).
 *
 * Worked example at 11:00, target 2, grace 10 min. Members: `a` Ready, busy (launched 10:00);
 * `b` Ready, idle (10:05); `c` Ready, idle (10:10); `d` pending, idle, known (10:59); `e` drained
 * for scale-down, idle; `f` NotReady since 10:30, idle; `g` unknown to etcd, launched 10:20.
 *   serving: a, b, c, d = 4, two too many -> scale down d (provisioning first), then c (newest Ready)
 *   terminate: e (Drained), f (NotReady), g (Unknown)
 * With target 6 the plan is: reinstate e, launch 1, terminate f and g.
 */
export function planPool(target: number, members: readonly PoolMember[], options: PoolPlanOptions): PoolPlan {
  const serving = members.filter((m) => isServingMember(m, options));
  const drained = members.filter((m) => m.instanceId && drainedForScaleDown(m));
  const plan: PoolPlan = { launch: 0, reinstate: [], scaleDown: [], terminate: [] };

  if (serving.length < target) {
    plan.reinstate = [...drained].sort(byAge).slice(0, target - serving.length);
    plan.launch = target - serving.length - plan.reinstate.length;
  } else if (serving.length > target) {
    const idle = serving.filter((m) => !m.busy).sort(scaleDownOrder);
    plan.scaleDown = idle.slice(0, serving.length - target);
  }

  const reinstated = new Set(plan.reinstate);
  for (const member of members) {
    if (!member.instanceId || reinstated.has(member)) continue;
    if (member.phase === NodePhase.NODE_PHASE_DRAINING && (drainedForScaleDown(member) || isPreempted(member)) && !member.busy) {
      plan.terminate.push({ member, reason: 'Drained' });
    } else if (member.phase === NodePhase.NODE_PHASE_NOT_READY && !member.busy && pastGrace(Date.parse(member.object?.status?.lastTransitionTime ?? ''), options.notReadyGraceMs, options.now)) {
      plan.terminate.push({ member, reason: 'NotReady' });
    } else if (member.known === false && !serving.includes(member)) {
      plan.terminate.push({ member, reason: 'Unknown' });
    }
  }
  return plan;
}

function pastGrace(since: Date | number | undefined, graceMs: number, now: Date): boolean {
  const at = since instanceof Date ? since.getTime() : since;
  if (at === undefined || Number.isNaN(at)) return false;
  return now.getTime() - at >= graceMs;
}

function scaleDownOrder(x: PoolMember, y: PoolMember): number {
  const cx = SCALE_DOWN_ORDER[x.phase === NodePhase.NODE_PHASE_READY ? 'ready' : 'provisioning'];
  const cy = SCALE_DOWN_ORDER[y.phase === NodePhase.NODE_PHASE_READY ? 'ready' : 'provisioning'];
  return cx - cy || (y.launchedAt?.getTime() ?? 0) - (x.launchedAt?.getTime() ?? 0) || compareNames(x, y);
}

/** Oldest first, then by name, so plans are deterministic. */
function byAge(x: PoolMember, y: PoolMember): number {
  return (x.launchedAt?.getTime() ?? 0) - (y.launchedAt?.getTime() ?? 0) || compareNames(x, y);
}

function compareNames(x: PoolMember, y: PoolMember): number {
  return x.node < y.node ? -1 : x.node > y.node ? 1 : 0;
}
