import { loadConfig } from '@helios/config';
import { DEFAULT_STORM_SETTINGS, resolveStormSettings } from '@helios/failure-policy';
import { describe, expect, it } from 'vitest';
import { FAILURE_SETTINGS, stormSettings } from './failure-settings';

describe('failure settings', () => {
  it('default to the storm limiter defaults', () => {
    expect(resolveStormSettings(stormSettings(loadConfig(FAILURE_SETTINGS, [], {})))).toEqual(DEFAULT_STORM_SETTINGS);
    expect(stormSettings(undefined)).toEqual({});
  });

  it('take flags and environment, seconds turned into the limiter\'s milliseconds', () => {
    const config = loadConfig(FAILURE_SETTINGS, ['--storm-fraction', '0.3', '--storm-window-seconds', '4'], { HELIOS_DEGRADED_EVICTIONS_PER_SECOND: '2' });
    expect(stormSettings(config)).toEqual({ stormFraction: 0.3, stormWindowMs: 4_000, degradedEvictionsPerSecond: 2 });
  });
});
