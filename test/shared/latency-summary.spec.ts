import { describe, expect, it } from 'vitest';
import { roundSeconds, summarizeLatencies } from './latency-summary';

describe('summarizeLatencies', () => {
  it.each([
    // The worked example on summarizeLatencies.
    { samples: [4, 1, 3, 2], want: { count: 4, p50: 2, p99: 4, max: 4 } },
    { samples: [], want: { count: 0, p50: null, p99: null, max: null } },
    { samples: [7], want: { count: 1, p50: 7, p99: 7, max: 7 } },
    { samples: Array.from({ length: 200 }, (_, i) => i + 1), want: { count: 200, p50: 100, p99: 198, max: 200 } },
  ])('$samples.length samples', ({ samples, want }) => {
    expect(summarizeLatencies(samples)).toEqual(want);
  });

  it('rounds to milliseconds', () => {
    expect([roundSeconds(5.12345), roundSeconds(null)]).toEqual([5.123, null]);
  });
});
