export { CellAgent, type CellAgentDeps, type CellAgentOptions } from './cell-agent';
export { resolveCellAgentSettings, type CellAgentSettings } from './cell-agent-settings';
export type { CellCache } from './cell-cache';
export { CellLock } from './cell-lock';
export { CellStatusReconciler, type CellStatusReconcilerDeps } from './cell-status-reconciler';
export { gpuCapacity } from './gpu-capacity';
export { GpuGauges } from './gpu-gauges';
export { launchIntent, pendingLaunches, withLaunch, withoutLaunches } from './launch-intent';
export { NodeBinder, type NodeBinderDeps } from './node-binder';
export { newNodeNames } from './node-names';
export { poolMembers, type MemberContext, type PoolMember } from './pool-member';
export {
  countMembers,
  drainedForScaleDown,
  isPreempted,
  isServingMember,
  memberCondition,
  planPool,
  poolTarget,
  type MemberCondition,
  type PoolPlan,
  type PoolPlanOptions,
  type TerminateReason,
} from './pool-plan';
export { PoolReconciler, type PoolReconcilerDeps } from './pool-reconciler';
export { poolTemplate } from './pool-template';
export { retireReplicas, type RetirementDeps } from './replica-retirement';
