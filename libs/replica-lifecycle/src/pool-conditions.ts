/** Condition types of a NodePool's status. */
export const POOL_CONDITIONS = {
  /**
   * Whether the cloud has capacity for the pool's instance type (the cell agent's pool
   * reconciler). True: the last launch was refused, its reason the provider's error code
   * (InsufficientCapacity, QuotaExceeded, InvalidConfiguration); placement and the planner skip
   * the pool for a backoff.
   */
  capacityUnavailable: 'CapacityUnavailable',
} as const;

/** Reasons of a NodePool's conditions that are not a provider's error code. */
export const POOL_REASONS = {
  /** CapacityUnavailable=False: the last launch went through. */
  launched: 'Launched',
} as const;
