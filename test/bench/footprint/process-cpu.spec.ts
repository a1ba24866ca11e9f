import { describe, expect, it } from 'vitest';
import { cpuSecondsOf } from './process-cpu';

// A /proc/<pid>/stat line with utime and stime (fields 14 and 15); the command holds a space and parentheses.
const stat = (utime: string, stime: string) => `4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 11 0 5000 1000000 2000`;

describe('cpuSecondsOf', () => {
  it.each([
    // The worked example of its comment.
    ['61', '14', 0.75],
    ['0', '0', 0],
    ['12345', '655', 130],
  ])('utime %s, stime %s -> %s s', (utime, stime, expected) => {
    expect(cpuSecondsOf(stat(utime, stime))).toBe(expected);
  });

  it('is undefined for a truncated stat', () => {
    expect(cpuSecondsOf('4242 (node) S 1 4242')).toBeUndefined();
  });
});
