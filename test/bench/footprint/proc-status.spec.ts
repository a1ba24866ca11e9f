import { describe, expect, it } from 'vitest';
import { parseProcStatus } from './proc-status';

const status = (lines: string[]) => ['Name:\tnode', 'State:\tS (sleeping)', ...lines, 'Threads:\t11'].join('\n');

describe('parseProcStatus', () => {
  it.each([
    // The worked example of its comment.
    [['VmHWM:\t  104448 kB', 'VmRSS:\t   92160 kB'], { rss: 90, peak: 102 }],
    [['VmPeak:\t 1100000 kB', 'VmHWM:\t  1536 kB', 'VmRSS:\t  1200 kB', 'RssAnon:\t  900 kB'], { rss: 1.2, peak: 1.5 }],
    [['VmHWM:\t0 kB', 'VmRSS:\t0 kB'], { rss: 0, peak: 0 }],
  ])('reads %j', (lines, expected) => {
    expect(parseProcStatus(status(lines))).toEqual(expected);
  });

  it.each([
    ['a zombie (no Vm lines)', []],
    ['VmRSS without VmHWM', ['VmRSS:\t  1200 kB']],
    ['a unit it does not know', ['VmHWM:\t  1 MB', 'VmRSS:\t  1 MB']],
    ['RssAnon alone (not VmRSS)', ['VmHWM:\t  1536 kB', 'RssAnon:\t  900 kB']],
  ])('is undefined for %s', (_, lines) => {
    expect(parseProcStatus(status(lines))).toBeUndefined();
  });
});
