import { describe, expect, it } from 'vitest';
import { DEFAULT_STORM_SETTINGS, resolveStormSettings } from './storm-settings';

describe('resolveStormSettings', () => {
  it('applies every default', () => {
    expect(resolveStormSettings()).toEqual(DEFAULT_STORM_SETTINGS);
    expect(DEFAULT_STORM_SETTINGS).toMatchObject({ stormFraction: 0.5, degradedEvictionsPerSecond: 0.1, degradedEvictionBurst: 1 });
  });

  it.each([
    { name: 'fraction above 1', given: { stormFraction: 3 }, field: 'stormFraction', want: 1 },
    { name: 'fraction of 0', given: { stormFraction: 0 }, field: 'stormFraction', want: Number.EPSILON },
    { name: 'negative window', given: { stormWindowMs: -5 }, field: 'stormWindowMs', want: 0 },
    { name: 'burst below one', given: { degradedEvictionBurst: 0 }, field: 'degradedEvictionBurst', want: 1 },
    { name: 'NaN falls back', given: { settleMs: Number.NaN }, field: 'settleMs', want: 2_000 },
    { name: 'kept as given', given: { degradedEvictionsPerSecond: 0.5 }, field: 'degradedEvictionsPerSecond', want: 0.5 },
  ] as const)('$name', ({ given, field, want }) => {
    expect(resolveStormSettings(given)[field]).toBe(want);
  });
});
