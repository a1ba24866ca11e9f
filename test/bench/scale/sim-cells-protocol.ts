/** Messages from the benchmark to a cell process (over the fork IPC channel). */
export type CellsCommand =
  /** Report counters. */
  | { type: 'stats' }
  /** Stop the cell agents and the nodes (revoking their leases) and exit. */
  | { type: 'stop' };

/** Messages from a cell process back to the benchmark. */
export type CellsReport =
  /** Every cell agent of the process leads its cell. */
  | { type: 'leading'; cells: string[] }
  | { type: 'failed'; message: string }
  /** maxLoopDelayMs: the longest event-loop stall since the last stats. */
  | { type: 'stats'; rssMiB: number; nodeAgents: number; maxLoopDelayMs: number };
