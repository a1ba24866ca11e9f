import { describe, expect, it } from 'vitest';
import { resolveNodeAgentSettings } from './node-agent-settings';

describe('resolveNodeAgentSettings', () => {
  it('applies the defaults', () => {
    expect(resolveNodeAgentSettings()).toEqual({ leaseTtl: 5, address: '127.0.0.1', drainSeconds: 3, terminationGraceSeconds: 10, shutdownGraceSeconds: 5, preemptionPollMs: 5_000 });
  });

  it.each([
    { given: { leaseTtl: 2 }, field: 'leaseTtl', want: 2 },
    { given: { address: '10.0.0.7' }, field: 'address', want: '10.0.0.7' },
    { given: { drainSeconds: 0 }, field: 'drainSeconds', want: 0 },
    { given: { terminationGraceSeconds: 30 }, field: 'terminationGraceSeconds', want: 30 },
    { given: { shutdownGraceSeconds: 1 }, field: 'shutdownGraceSeconds', want: 1 },
    { given: { preemptionPollMs: undefined }, field: 'preemptionPollMs', want: 5_000 },
  ] as const)('keeps what is given: $given', ({ given, field, want }) => {
    expect(resolveNodeAgentSettings(given)[field]).toBe(want);
  });
});
