import { describe, expect, it } from 'vitest';
import { histogramQuantileBound, sampleValue } from './prometheus-text';

const TEXT = `# HELP h A histogram.
# TYPE h histogram
h_bucket{le="5"} 90
h_bucket{le="10"} 99
h_bucket{le="+Inf"} 100
h_sum 512.5
h_count 100
g{cell="c1",phase="Ready"} 7
g{cell="c1",phase="NotReady"} 3
`;

describe('prometheus text', () => {
  it.each<{ name: string; labels: Record<string, string>; want: number | undefined }>([
    { name: 'h_count', labels: {}, want: 100 },
    { name: 'h_sum', labels: {}, want: 512.5 },
    { name: 'g', labels: { cell: 'c1', phase: 'NotReady' }, want: 3 },
    { name: 'g', labels: { cell: 'c2', phase: 'Ready' }, want: undefined },
    { name: 'h', labels: {}, want: undefined },
  ])('$name $labels -> $want', ({ name, labels, want }) => {
    expect(sampleValue(TEXT, name, labels)).toBe(want);
  });

  it.each([
    // The worked example on histogramQuantileBound.
    { p: 0.99, want: 10 },
    { p: 0.5, want: 5 },
    { p: 1, want: Number.POSITIVE_INFINITY },
  ])('p$p is within $want', ({ p, want }) => {
    expect(histogramQuantileBound(TEXT, 'h', p)).toBe(want);
  });

  it('has no bound without samples', () => {
    expect(histogramQuantileBound('', 'h', 0.99)).toBeUndefined();
  });
});
