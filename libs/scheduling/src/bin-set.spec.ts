import { Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { BinSet, type Bin } from './bin-set';

const R = Tier.TIER_RESERVED;
const OD = Tier.TIER_ON_DEMAND;

function set(bins: Bin[]): BinSet<Bin> {
  const s = new BinSet<Bin>();
  for (const bin of bins) s.add({ ...bin });
  return s;
}

describe('BinSet', () => {
  const example = () =>
    set([
      { id: 'a', gpuType: 'h100', tier: OD, free: 8 },
      { id: 'b', gpuType: 'h100', tier: OD, free: 3 },
      { id: 'c', gpuType: 'h100', tier: OD, free: 2 },
    ]);

  // Mirrors the worked example on BinSet.
  it.each([
    { gpus: 2, want: 'c' },
    { gpus: 3, want: 'b' },
    { gpus: 4, want: 'a' },
    { gpus: 8, want: 'a' },
    { gpus: 9, want: undefined },
    { gpus: 0, want: 'c' },
  ])('best fit for $gpus GPUs is $want', ({ gpus, want }) => {
    expect(example().bestFit(gpus, 'h100', [OD])?.id).toBe(want);
  });

  it('moves a bin between buckets as GPUs are taken', () => {
    const s = example();
    s.take(s.bestFit(4, 'h100', [OD])!, 4);
    expect(s.bestFit(4, 'h100', [OD])?.id).toBe('a');
    expect(s.largestFree('h100', [OD])).toBe(4);
    s.take(s.bestFit(4, 'h100', [OD])!, 4);
    expect(s.bestFit(4, 'h100', [OD])).toBeUndefined();
    expect(s.has('h100', [OD])).toBe(true);
    expect([...s].map((b) => `${b.id}:${b.free}`).sort()).toEqual(['a:0', 'b:3', 'c:2']);
  });

  it('breaks ties by the caller tier order, then id', () => {
    const s = set([
      { id: 'z', gpuType: 'h100', tier: R, free: 4 },
      { id: 'y', gpuType: 'h100', tier: OD, free: 4 },
      { id: 'x', gpuType: 'h100', tier: OD, free: 4 },
    ]);
    expect(s.bestFit(4, 'h100', [R, OD])?.id).toBe('z');
    expect(s.bestFit(4, 'h100', [OD, R])?.id).toBe('x');
  });

  it('filters by GPU type unless the request has none', () => {
    const s = set([
      { id: 'a', gpuType: 'a100', tier: OD, free: 2 },
      { id: 'h', gpuType: 'h100', tier: OD, free: 4 },
    ]);
    expect(s.bestFit(2, 'h100', [OD])?.id).toBe('h');
    expect(s.bestFit(2, '', [OD])?.id).toBe('a');
    expect(s.has('b200', [OD])).toBe(false);
    expect(s.largestFree('b200', [OD])).toBe(0);
  });

  it('refuses duplicate ids, foreign bins and overdrafts', () => {
    const s = example();
    expect(() => s.add({ id: 'a', gpuType: 'h100', tier: OD, free: 1 })).toThrow('bin a is already in the set');
    expect(() => s.take({ id: 'q', gpuType: 'h100', tier: OD, free: 1 }, 1)).toThrow('bin q is not in the set');
    expect(() => s.take(s.bestFit(2, 'h100', [OD])!, 3)).toThrow('bin c has 2 free GPUs, cannot take 3');
  });
});
