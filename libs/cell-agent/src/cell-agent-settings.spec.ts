import { describe, expect, it } from 'vitest';
import type { CellAgentOptions } from './cell-agent';
import { resolveCellAgentSettings } from './cell-agent-settings';

describe('resolveCellAgentSettings', () => {
  it('applies the defaults', () => {
    expect(resolveCellAgentSettings()).toEqual({ leaseTtl: 5, resyncMs: 30_000, capacityRetryMs: 30_000, workers: 4, unknownInstanceGraceMs: 600_000, notReadyGraceMs: 600_000 });
  });

  it.each([
    { given: { leaseTtl: 2 }, field: 'leaseTtl', want: 2 },
    { given: { resyncMs: 500 }, field: 'resyncMs', want: 500 },
    { given: { capacityRetryMs: 0 }, field: 'capacityRetryMs', want: 0 },
    { given: { workers: 1 }, field: 'workers', want: 1 },
    { given: { unknownInstanceGraceMs: 1_000 }, field: 'unknownInstanceGraceMs', want: 1_000 },
    { given: { notReadyGraceMs: undefined }, field: 'notReadyGraceMs', want: 600_000 },
  ] as const)('keeps what is given: $given', ({ given, field, want }) => {
    expect(resolveCellAgentSettings(given)[field]).toBe(want);
  });

  it('takes the settings out of a cell agent\'s options, leaving its identity', () => {
    const options: CellAgentOptions = { cell: 'c1', id: 'a', leaseTtl: 3 };
    expect(resolveCellAgentSettings(options)).toEqual({ ...resolveCellAgentSettings(), leaseTtl: 3 });
  });
});
