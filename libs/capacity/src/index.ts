/**
 * The capacity planner of Helios: turns the GPUs that replicas placed in each cell need, plus
 * headroom, into a desired node count per pool, filling tiers in cost order (reserved, preemptible
 * where allowed, on-demand) and scaling down only idle nodes after a cooldown. Pure: it takes a
 * snapshot and a clock reading and returns a plan.
 *
 * @packageDocumentation
 */
export { resolveCapacityOptions, type CapacityOptions, type ResolvedCapacityOptions } from './capacity-options';
export type { UnmetReason } from './cell-capacity';
export { scaleDownBlockedUntil } from './cooldown';
export { headroomGpus } from './headroom';
export { planCapacity, type CapacityInput, type CapacityPlan, type PoolPlan, type PoolPlanReason, type UnmetDemand } from './plan-capacity';
