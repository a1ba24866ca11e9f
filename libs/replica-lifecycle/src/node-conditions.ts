/** Condition types of a Node's status. */
export const NODE_CONDITIONS = {
  /** Whether the node's heartbeat key exists (the node lifecycle controller's record). */
  heartbeat: 'Heartbeat',
} as const;

/** Values of a Node's status.reason and of its conditions' reasons, by who writes them. */
export const NODE_REASONS = {
  /** NotReady, and Heartbeat=False: the heartbeat key is gone (node lifecycle controller). */
  heartbeatLost: 'HeartbeatLost',
  /** Heartbeat=True: the node holds its heartbeat key again (node lifecycle controller). */
  heartbeatPresent: 'HeartbeatPresent',
  /** Draining: the cell agent gives the node back on scale-down. */
  scaleDown: 'ScaleDown',
  /** Draining: the cloud announced it reclaims the instance (node agent, from the spot notice). */
  preempted: 'Preempted',
} as const;
