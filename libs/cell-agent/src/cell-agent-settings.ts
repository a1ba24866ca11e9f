/** How a cell agent paces itself: every knob has a default (see resolveCellAgentSettings). */
export interface CellAgentSettings {
  /** TTL in seconds of the election and liveness leases. */
  leaseTtl: number;
  /** Every pool is reconciled at least this often, to notice cloud drift, in ms. */
  resyncMs: number;
  /** Retry delay of a pool whose launch found no capacity, in ms. */
  capacityRetryMs: number;
  /** Keys reconciled at once (never one key twice at once). */
  workers: number;
  /** How long a cloud instance etcd does not know is left alone before it is terminated, in ms. */
  unknownInstanceGraceMs: number;
  /** How long an idle NotReady node's instance is kept in case it comes back, in ms. */
  notReadyGraceMs: number;
}

/**
 * Applies the defaults, the one place they are written: leases of 5 s, a resync and a capacity
 * retry every 30 s, 4 workers, 10 min before an unknown or an idle NotReady instance is
 * terminated. apps/cell-agent's settings table takes its defaults from here.
 */
export function resolveCellAgentSettings(settings: Partial<CellAgentSettings> = {}): CellAgentSettings {
  return {
    leaseTtl: settings.leaseTtl ?? 5,
    resyncMs: settings.resyncMs ?? 30_000,
    capacityRetryMs: settings.capacityRetryMs ?? 30_000,
    workers: settings.workers ?? 4,
    unknownInstanceGraceMs: settings.unknownInstanceGraceMs ?? 10 * 60_000,
    notReadyGraceMs: settings.notReadyGraceMs ?? 10 * 60_000,
  };
}
