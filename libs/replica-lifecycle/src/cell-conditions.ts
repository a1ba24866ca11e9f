/** Condition types of a Cell's status. */
export const CELL_CONDITIONS = {
  /** Whether the cell's agent is live: its agent key exists (cell liveness controller). */
  agentLive: 'AgentLive',
  /** Whether many of the cell's nodes went silent at once: a failure storm (node lifecycle). */
  degraded: 'Degraded',
} as const;

/** Reasons of a Cell's conditions. */
export const CELL_REASONS = {
  /** AgentLive=True. */
  agentKeyPresent: 'AgentKeyPresent',
  /** AgentLive=False. */
  agentKeyMissing: 'AgentKeyMissing',
  /** Degraded=True: evictions are rate-limited. */
  nodeStorm: 'NodeStorm',
  /** Degraded=False: the storm is over. */
  nodesReporting: 'NodesReporting',
} as const;
