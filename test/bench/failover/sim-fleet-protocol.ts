/** Messages from the benchmark to its simulated-fleet child process (over the fork IPC channel). */
export type FleetCommand =
  /** Cut the keep-alives of these nodes' leases without revoking them, as a crash would. */
  | { type: 'kill'; nodes: string[] }
  /** Report counters. */
  | { type: 'stats' }
  /** Stop renewing everything and exit. */
  | { type: 'stop' };

/** Messages from the simulated fleet back to the benchmark. */
export type FleetReport =
  | { type: 'ready'; nodes: number; seconds: number }
  | { type: 'failed'; message: string }
  /** Wall-clock ms (Date.now) at which each node's keep-alives were cut. */
  | { type: 'killed'; at: Record<string, number>; missing: string[] }
  | { type: 'stats'; leasesLost: number; rssMiB: number };

/** The simulated node `i` of a fleet spread over `cells` cells: its cell and name. */
export function simNode(i: number, cells: number): { cell: string; name: string } {
  return { cell: `cell-${i % cells}`, name: `sim-${i}` };
}
