import { describe, expect, it } from 'vitest';
import { scaleDownBlockedUntil } from './cooldown';

describe('scaleDownBlockedUntil', () => {
  // Mirrors the worked example on scaleDownBlockedUntil (cooldown 300 s).
  it.each([
    { last: '2025-01-01T10:00:00Z', now: '2025-01-01T10:03:00Z', want: '2025-01-01T10:05:00.000Z' },
    { last: '2025-01-01T10:00:00Z', now: '2025-01-01T10:05:00Z', want: undefined },
    { last: undefined, now: '2025-01-01T10:05:00Z', want: undefined },
    { last: 'not a time', now: '2025-01-01T10:05:00Z', want: undefined },
    { last: new Date('2025-01-01T10:04:00Z'), now: '2025-01-01T10:05:00Z', want: '2025-01-01T10:09:00.000Z' },
  ])('last scale-up $last, now $now -> $want', ({ last, now, want }) => {
    expect(scaleDownBlockedUntil(last, new Date(now), 300)?.toISOString()).toBe(want);
  });
});
