import { ConfigError, loadConfig } from '@helios/config';
import { DEFAULT_STORM_SETTINGS, resolveStormSettings } from '@helios/failure-policy';
import { describe, expect, it } from 'vitest';
import { FAILURE_SETTINGS, resolveFailureSettings, stormSettings } from './failure-settings';

describe('resolveFailureSettings', () => {
  it("defaults to the storm limiter's defaults, its window in seconds", () => {
    expect(resolveFailureSettings()).toEqual({ stormFraction: 0.5, stormWindowSeconds: 10, degradedEvictionsPerSecond: 0.1 });
    expect(resolveFailureSettings()).toEqual({
      stormFraction: DEFAULT_STORM_SETTINGS.stormFraction,
      stormWindowSeconds: DEFAULT_STORM_SETTINGS.stormWindowMs / 1000,
      degradedEvictionsPerSecond: DEFAULT_STORM_SETTINGS.degradedEvictionsPerSecond,
    });
  });

  it.each([
    { given: { stormFraction: 0.3 }, want: { stormFraction: 0.3, stormWindowSeconds: 10, degradedEvictionsPerSecond: 0.1 } },
    { given: { stormFraction: 2 }, want: { stormFraction: 1, stormWindowSeconds: 10, degradedEvictionsPerSecond: 0.1 } },
    { given: { stormWindowSeconds: 4, degradedEvictionsPerSecond: 2 }, want: { stormFraction: 0.5, stormWindowSeconds: 4, degradedEvictionsPerSecond: 2 } },
    { given: { stormWindowSeconds: -1, degradedEvictionsPerSecond: -1 }, want: { stormFraction: 0.5, stormWindowSeconds: 0, degradedEvictionsPerSecond: 0 } },
  ])('$given -> $want', ({ given, want }) => {
    expect(resolveFailureSettings(given)).toEqual(want);
  });

  it('is where the settings table takes its defaults from', () => {
    expect(loadConfig(FAILURE_SETTINGS, [], {})).toEqual(resolveFailureSettings());
  });
});

describe('failure settings', () => {
  it('default to the storm limiter defaults', () => {
    expect(resolveStormSettings(stormSettings(loadConfig(FAILURE_SETTINGS, [], {})))).toEqual(DEFAULT_STORM_SETTINGS);
    expect(stormSettings(undefined)).toEqual({});
  });

  it('take flags and environment, seconds turned into the limiter\'s milliseconds', () => {
    const config = loadConfig(FAILURE_SETTINGS, ['--storm-fraction', '0.3', '--storm-window-seconds', '4'], { HELIOS_DEGRADED_EVICTIONS_PER_SECOND: '2' });
    expect(stormSettings(config)).toEqual({ stormFraction: 0.3, stormWindowMs: 4_000, degradedEvictionsPerSecond: 2 });
  });

  it('refuse a fraction outside (0, 1] and negative windows or rates, naming the flag', () => {
    expect(() => loadConfig(FAILURE_SETTINGS, ['--storm-fraction', '1.5'], {})).toThrow(new ConfigError('--storm-fraction (HELIOS_STORM_FRACTION) must be between 0.01 and 1, got 1.5'));
    expect(() => loadConfig(FAILURE_SETTINGS, ['--storm-window-seconds', '-1'], {})).toThrow(/--storm-window-seconds .* must be at least 0/);
    expect(() => loadConfig(FAILURE_SETTINGS, [], { HELIOS_DEGRADED_EVICTIONS_PER_SECOND: '-0.5' })).toThrow(/--degraded-evictions-per-second .* must be at least 0/);
  });
});
