import { describe, expect, it } from 'vitest';
import { capacityUnavailable } from './capacity-unavailable';
import { pool } from './testing/fixtures';

describe('capacityUnavailable', () => {
  // Mirrors the worked example in the function's comment (backoff 300 s).
  it.each([
    { name: 'inside the backoff', since: '2025-01-01T10:00:00Z', now: '2025-01-01T10:04:00Z', want: true },
    { name: 'backoff over: retry', since: '2025-01-01T10:00:00Z', now: '2025-01-01T10:05:00Z', want: false },
    { name: 'no time on the condition', since: '', now: '2025-01-01T10:05:00Z', want: true },
    { name: 'no clock given', since: '2025-01-01T10:00:00Z', now: undefined, want: true },
    { name: 'no condition', since: undefined, now: '2025-01-01T10:00:00Z', want: false },
  ])('$name -> $want', ({ since, now, want }) => {
    const p = pool('east', 'p', { unavailableSince: since });
    expect(capacityUnavailable(p, now === undefined ? undefined : new Date(now), 300)).toBe(want);
  });

  it('ignores a condition whose status is not True', () => {
    const p = pool('east', 'p', { unavailableSince: '2025-01-01T10:00:00Z' });
    p.status!.conditions[0]!.status = 'False';
    expect(capacityUnavailable(p, new Date('2025-01-01T10:01:00Z'))).toBe(false);
  });
});
