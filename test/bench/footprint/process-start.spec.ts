import { describe, expect, it } from 'vitest';
import { startedAtMs } from './process-start';

// A /proc/<pid>/stat line whose field 22 (start time) is `ticks`: fields 3-9, 10-21 (times,
// priority, threads ...), 22, then vsize and rss. The command holds a space and parentheses.
const stat = (ticks: number) => `4242 (node (x) y) S 1 4242 4242 0 -1 4194560 ${Array.from({ length: 12 }, () => '7').join(' ')} ${ticks} 1000000 2000`;

describe('startedAtMs', () => {
  it.each([
    // The worked example of its comment.
    [100_000, '1002.50 1500.00', 1_700_000_000_000, 1_699_999_997_500],
    [100_000, '1000.00 1.00\n', 1_700_000_000_000, 1_700_000_000_000],
    [12_345, '200.01 0.00', 5_000_000, 5_000_000 - (200_010 - 123_450)],
  ])('started at tick %i, uptime %j, now %i -> %i', (ticks, uptime, now, expected) => {
    expect(startedAtMs(stat(ticks), uptime, now)).toBe(expected);
  });

  it.each([
    ['a truncated stat', '4242 (node) S 1', '10.00 1.00'],
    ['an empty uptime', stat(1), ''],
    ['an unreadable uptime', stat(1), 'abc 1.00'],
  ])('is undefined for %s', (_, s, uptime) => {
    expect(startedAtMs(s, uptime, 1_000)).toBeUndefined();
  });
});
