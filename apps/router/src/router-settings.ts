/** How the router retries, ejects and times out: every knob has a default (see resolveRouterSettings). */
export interface RouterSettings {
  /** Further attempts on other endpoints after a connection error. */
  retries: number;
  /**
   * An endpoint that refused or broke a connection is skipped for this long (passive outlier
   * ejection), unless every endpoint is ejected; 0 turns it off. 5 s by default: about the time
   * the control plane takes to unpublish the replicas of a dead node.
   */
  ejectMs: number;
  /** An upstream silent for this long fails the request with 504, in ms. */
  upstreamTimeoutMs: number;
  /** Larger request bodies are refused with 413. */
  maxBodyBytes: number;
}

/**
 * Applies the defaults, the one place they are written: 1 retry, 5 s ejection, 60 s upstream
 * timeout, 10 MiB bodies; negative retries and ejection read as 0. The router's settings table
 * takes its defaults from here.
 */
export function resolveRouterSettings(settings: Partial<RouterSettings> = {}): RouterSettings {
  return {
    retries: Math.max(0, settings.retries ?? 1),
    ejectMs: Math.max(0, settings.ejectMs ?? 5_000),
    upstreamTimeoutMs: settings.upstreamTimeoutMs ?? 60_000,
    maxBodyBytes: settings.maxBodyBytes ?? 10 << 20,
  };
}
