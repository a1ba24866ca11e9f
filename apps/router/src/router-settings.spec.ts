import { describe, expect, it } from 'vitest';
import { resolveRouterSettings } from './router-settings';

describe('resolveRouterSettings', () => {
  it('applies the defaults', () => {
    expect(resolveRouterSettings()).toEqual({ retries: 1, ejectMs: 5_000, upstreamTimeoutMs: 60_000, maxBodyBytes: 10 * 1024 * 1024 });
  });

  it.each([
    { given: { retries: 3 }, field: 'retries', want: 3 },
    { given: { retries: -1 }, field: 'retries', want: 0 },
    { given: { ejectMs: 0 }, field: 'ejectMs', want: 0 },
    { given: { ejectMs: -5 }, field: 'ejectMs', want: 0 },
    { given: { upstreamTimeoutMs: 100 }, field: 'upstreamTimeoutMs', want: 100 },
    { given: { maxBodyBytes: 1 }, field: 'maxBodyBytes', want: 1 },
  ] as const)('$given -> $field $want', ({ given, field, want }) => {
    expect(resolveRouterSettings(given)[field]).toBe(want);
  });
});
