import { describe, expect, it } from 'vitest';
import { footprintFailures, summarize, type SampleSummary } from './footprint-figures';

describe('summarize', () => {
  it.each([
    // The worked examples of its comment.
    [[1.2, 0.9, 1.4], { count: 3, median: 1.2, max: 1.4 }],
    [[4, 1, 3, 2], { count: 4, median: 2, max: 4 }],
    [[], { count: 0, median: null, max: null }],
    [[7], { count: 1, median: 7, max: 7 }],
    [[3, 3, 1], { count: 3, median: 3, max: 3 }],
  ])('%j -> %j', (samples, expected) => {
    expect(summarize(samples)).toEqual(expected);
  });

  it('leaves its input unsorted', () => {
    const samples = [3, 1, 2];
    summarize(samples);
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe('footprintFailures', () => {
  const of = (median: number, max: number): SampleSummary => ({ count: 3, median, max });
  it.each([
    ['both within', of(80, 95), of(0.9, 1.2), []],
    ['at the targets exactly', of(100, 100), of(1.5, 1.5), []],
    ['the worst agent over on memory, the median within', of(90, 101), of(0.9, 1), ['node agent RSS 101 MiB > 100 MiB']],
    ['slow to register', of(80, 90), of(1.4, 1.6), ['node agent start to registered 1.6 s > 1.5 s']],
    ['both over', of(250, 263), of(3, 3.5), ['node agent RSS 263 MiB > 100 MiB', 'node agent start to registered 3.5 s > 1.5 s']],
  ])('%s', (_, rssMiB, registerSeconds, expected) => {
    expect(footprintFailures({ rssMiB, registerSeconds })).toEqual(expected);
  });

  it('fails a run that measured no agent', () => {
    const none = summarize([]);
    expect(footprintFailures({ rssMiB: none, registerSeconds: none })).toEqual(['no node agent was measured']);
  });
});
