import type { Resolved } from '@helios/config';
import type { StormSettings } from '@helios/failure-policy';

/**
 * The failure-storm limiter's knobs an operator sets: part of the control plane's settings
 * (flags, then environment), handed to the node lifecycle controller in ControllerDeps.
 */
export const FAILURE_SETTINGS = {
  stormFraction: {
    flag: 'storm-fraction',
    env: 'HELIOS_STORM_FRACTION',
    default: 0.5,
    min: 0.01,
    max: 1,
    doc: 'share of a cell\'s nodes going silent within the storm window that marks the cell Degraded (a partition, not hardware)',
  },
  stormWindowSeconds: { flag: 'storm-window-seconds', env: 'HELIOS_STORM_WINDOW_SECONDS', default: 10, min: 0, doc: 'width of the window those silences must fall in, seconds' },
  degradedEvictionsPerSecond: {
    flag: 'degraded-evictions-per-second',
    env: 'HELIOS_DEGRADED_EVICTIONS_PER_SECOND',
    default: 0.1,
    min: 0,
    doc: 'nodes whose replicas may be failed per second in a Degraded cell (one burst of 1, then this rate)',
  },
};

/** The resolved failure settings. */
export type FailureSettings = Resolved<typeof FAILURE_SETTINGS>;

/** The storm limiter settings the operator's settings stand for; the limiter's defaults for the rest. */
export function stormSettings(settings: FailureSettings | undefined): StormSettings {
  if (!settings) return {};
  return { stormFraction: settings.stormFraction, stormWindowMs: settings.stormWindowSeconds * 1000, degradedEvictionsPerSecond: settings.degradedEvictionsPerSecond };
}
