/**
 * Pure scheduling decisions for Helios: which cell a replica runs in (cell placement, run by the
 * control plane), which node and GPUs it gets there (node binding, run by each cell agent), and
 * which replicas to remove first on scale-down so whole nodes go idle. Each takes a snapshot of
 * resources and returns a plan; none performs I/O. The value types they are built from (TierRules,
 * PoolOfferings, BinSet, GpuHoldings) are exported for the capacity planner.
 *
 * @packageDocumentation
 */
export { bindReplicas, type Binding, type BindingInput, type BindingPlan, type Unbound, type UnboundReason } from './bind-replicas';
export { BinSet, type Bin } from './bin-set';
export { capacityUnavailable, capacityUnavailableUntil, DEFAULT_CAPACITY_BACKOFF_SECONDS } from './capacity-unavailable';
export { CellInventory, type CellOption, type CellSnapshot } from './cell-inventory';
export { GpuHoldings } from './gpu-holdings';
export { healthyGpuIndices, isSchedulable, isServing, nodeKey } from './node-eligibility';
export {
  placeOnInventories,
  placeReplicas,
  type Assignment,
  type InventoryPlacementInput,
  type PlacementInput,
  type PlacementPlan,
  type Unplaceable,
  type UnplaceableReason,
} from './place-replicas';
export { changesFootprint, sameFootprint, type ReplicaChange } from './replica-footprint';
export { byCost, PoolOfferings, poolKey, pricePerGpu, sameOffer } from './pool-offerings';
export { removalOrder } from './removal-order';
export { strandedReplicas, type StrandedReplicas } from './stranded-replicas';
export { bindingOrder, compareText, gpuRequest, replicaId, type GpuRequest } from './replica-state';
export { TierRules } from './tier-rules';
export { ANY_TIER, tierRank, TIERS_BY_COST } from './tiers';
