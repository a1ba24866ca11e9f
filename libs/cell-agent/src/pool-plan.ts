import { NodePhase } from '@helios/api';
import type { PoolMember } from './pool-member';

/** What one pool reconcile should ask the cloud for. */
export interface PoolPlan {
  /** How many instances to launch. */
  launch: number;
  /** Cloud ids of the instances to terminate, in the order they were chosen. */
  terminate: string[];
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
 * Where a member stands: draining wins (the cell agent decided it leaves); a member without a
 * registered Node, or still pending in the cloud, is provisioning; a Ready Node counts as ready
 * only while its heartbeat exists; anything else is notReady.
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

// Scale-down takes the least useful first: a node that is not serving, then one still booting,
// then a Ready one; the newest first within each, so long-lived (warm) nodes stay.
const SCALE_DOWN_ORDER: Record<Exclude<MemberCondition, 'draining'>, number> = { notReady: 0, provisioning: 1, ready: 2 };

/**
 * Decides how many instances to launch and which to terminate so the pool reaches `target`.
 *
 * Only cloud instances count (members with an `instanceId`); draining members do not count, as
 * they are on their way out (a preemption notice asks for the replacement at once), and are never
 * chosen for scale-down.
 *
 * Worked example: target 3, members `a` Ready (launched 10:00), `b` Ready (10:05), `c` NotReady,
 * `d` provisioning, `e` draining. Counted: a, b, c, d = 4, one too many; the first in scale-down
 * order is `c` (notReady), so the plan is `{ launch: 0, terminate: ['c'] }`. With target 5 it is
 * `{ launch: 1, terminate: [] }`; with target 1 it is c, d, then the newer Ready `b`.
 */
export function planPool(target: number, members: readonly PoolMember[]): PoolPlan {
  const counted = members.filter((m) => m.instanceId && memberCondition(m) !== 'draining');
  if (counted.length <= target) return { launch: target - counted.length, terminate: [] };
  const victims = [...counted].sort((x, y) => {
    const cx = SCALE_DOWN_ORDER[memberCondition(x) as Exclude<MemberCondition, 'draining'>];
    const cy = SCALE_DOWN_ORDER[memberCondition(y) as Exclude<MemberCondition, 'draining'>];
    if (cx !== cy) return cx - cy;
    const age = (y.launchedAt?.getTime() ?? 0) - (x.launchedAt?.getTime() ?? 0);
    return age !== 0 ? age : x.node.localeCompare(y.node);
  });
  return { launch: 0, terminate: victims.slice(0, counted.length - target).map((m) => m.instanceId!) };
}
