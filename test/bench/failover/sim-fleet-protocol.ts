/** Messages from the benchmark to its simulated-fleet child process (over the fork IPC channel). */
export type FleetCommand =
  /** Stop these nodes' agents (no more keep-alives; the lease is not revoked), as a crash would. */
  | { type: 'kill'; nodes: string[] }
  /** Start timing the nodes on `address`: the control-plane replica there is about to die. */
  | { type: 'watch-address'; address: string }
  /** Report how the watched nodes reconnected. */
  | { type: 'reconnects' }
  /** Report counters. */
  | { type: 'stats' }
  /** Stop everything and exit. */
  | { type: 'stop' };

/** Messages from the simulated fleet back to the benchmark. */
export type FleetReport =
  | { type: 'ready'; nodes: number; seconds: number }
  | { type: 'failed'; message: string }
  /** Wall-clock ms (Date.now) at which each node's keep-alives were cut. */
  | { type: 'killed'; at: Record<string, number>; missing: string[] }
  /** The watch is set: `nodes` nodes are on the address now. */
  | { type: 'watching'; address: string; nodes: number }
  /** Ms from the watch to each watched node's first keep-alive answered on another address; `pending` never got one. */
  | { type: 'reconnects'; ms: number[]; pending: number }
  | {
      type: 'stats';
      /** Leases etcd said were gone (TTL 0 answered) since the fleet started, killed nodes' leases excepted. */
      leasesLost: number;
      /** Registrations done after the first one of each node (re-registrations). */
      reregistrations: number;
      /** Keep-alives etcd answered through the node API, all nodes, since the start. */
      keepAlivesAnswered: number;
      /** KeepAlive streams the nodes gave up on (broken, ended, stalled) since the start. */
      keepAliveStreamsLost: number;
      /** Live nodes per control-plane address they talk to now. */
      byAddress: Record<string, number>;
      rssMiB: number;
      /** Worst event-loop delay since the last stats, ms. */
      maxLoopDelayMs: number;
    };

/** The simulated node `i` of a fleet spread over `cells` cells: its cell and name. */
export function simNode(i: number, cells: number): { cell: string; name: string } {
  return { cell: `cell-${i % cells}`, name: `sim-${i}` };
}
