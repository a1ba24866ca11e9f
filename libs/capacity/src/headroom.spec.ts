import { describe, expect, it } from 'vitest';
import { headroomGpus } from './headroom';

describe('headroomGpus', () => {
  // Mirrors the worked example on headroomGpus.
  it.each([
    { demand: 30, gpus: 4, percent: 10, want: 7 },
    { demand: 12, gpus: 0, percent: 10, want: 2 },
    { demand: 0, gpus: 8, percent: 50, want: 8 },
    { demand: 40, gpus: 0, percent: 0, want: 0 },
    { demand: -3, gpus: 1, percent: 10, want: 1 },
  ])('demand $demand, $gpus GPUs + $percent % -> $want', ({ demand, gpus, percent, want }) => {
    expect(headroomGpus(demand, { headroomGpus: gpus, headroomPercent: percent })).toBe(want);
  });
});
