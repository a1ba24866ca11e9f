import type { Setting } from '@helios/config';
import { resolveStormSettings, type StormSettings } from '@helios/failure-policy';

/**
 * The failure-storm limiter's knobs an operator sets: part of the control plane's settings
 * (flags, then environment), handed to the node lifecycle controller in ControllerDeps.
 */
export interface FailureSettings {
  stormFraction: number;
  stormWindowSeconds: number;
  degradedEvictionsPerSecond: number;
}

/**
 * Applies the defaults: the storm limiter's own (resolveStormSettings, with its clamps), its
 * window read in seconds. The settings table below takes its defaults from here.
 */
export function resolveFailureSettings(settings: Partial<FailureSettings> = {}): FailureSettings {
  const storm = resolveStormSettings(stormSettings(settings));
  return { stormFraction: storm.stormFraction, stormWindowSeconds: storm.stormWindowMs / 1000, degradedEvictionsPerSecond: storm.degradedEvictionsPerSecond };
}

/** The storm limiter settings the operator's settings stand for; the limiter's defaults for the rest. */
export function stormSettings(settings: Partial<FailureSettings> | undefined): StormSettings {
  if (!settings) return {};
  const windowSeconds = settings.stormWindowSeconds;
  return {
    stormFraction: settings.stormFraction,
    stormWindowMs: windowSeconds === undefined ? undefined : windowSeconds * 1000,
    degradedEvictionsPerSecond: settings.degradedEvictionsPerSecond,
  };
}

const DEFAULTS = resolveFailureSettings();

/** The failure settings' flags, environment variables and docs; part of the control plane's settings table. */
export const FAILURE_SETTINGS = {
  stormFraction: {
    flag: 'storm-fraction',
    env: 'HELIOS_STORM_FRACTION',
    default: DEFAULTS.stormFraction,
    min: 0.01,
    max: 1,
    doc: 'share of a cell\'s nodes going silent within the storm window that marks the cell Degraded (a partition, not hardware)',
  },
  stormWindowSeconds: { flag: 'storm-window-seconds', env: 'HELIOS_STORM_WINDOW_SECONDS', default: DEFAULTS.stormWindowSeconds, min: 0, doc: 'width of the window those silences must fall in, seconds' },
  degradedEvictionsPerSecond: {
    flag: 'degraded-evictions-per-second',
    env: 'HELIOS_DEGRADED_EVICTIONS_PER_SECOND',
    default: DEFAULTS.degradedEvictionsPerSecond,
    min: 0,
    doc: 'nodes whose replicas may be failed per second in a Degraded cell (one burst of 1, then this rate)',
  },
} satisfies { [K in keyof FailureSettings]: Setting<number> };
