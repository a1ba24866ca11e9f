import { describe, expect, it } from 'vitest';
import { AssumedWrites } from './assumed-writes';

/** A replica as far as these tests care: where it is placed. */
interface Placed {
  name: string;
  cell: string;
}

describe('AssumedWrites', () => {
  // Mirrors the worked example in assumed-writes.ts.
  it('counts a write from its decision until the cache reaches its revision; a refused one not at all', () => {
    const assumed = new AssumedWrites<Placed>((r) => r.cell);
    assumed.assume('a/r0', { name: 'r0', cell: 'east' });
    expect(assumed.inGroup('east')).toEqual([{ name: 'r0', cell: 'east' }]);
    // In flight: no revision yet, so no cache revision drops it.
    assumed.prune(1_000);
    expect(assumed.get('a/r0')).toBeDefined();
    assumed.written('a/r0', 10);
    assumed.prune(9);
    expect(assumed.get('a/r0')).toBeDefined();
    assumed.prune(10);
    expect(assumed.get('a/r0')).toBeUndefined();
    expect(assumed.inGroup('east')).toEqual([]);

    assumed.assume('b/r0', { name: 'r0', cell: 'west' });
    expect(assumed.forget('b/r0')).toEqual({ name: 'r0', cell: 'west' });
    expect(assumed.size).toBe(0);
    expect(assumed.forget('b/r0')).toBeUndefined();
  });

  it('keeps one assumption per id, filed under its latest group', () => {
    const assumed = new AssumedWrites<Placed>((r) => r.cell);
    assumed.assume('a/r0', { name: 'r0', cell: 'east' });
    assumed.assume('a/r0', { name: 'r0', cell: 'west' });
    expect(assumed.size).toBe(1);
    expect(assumed.inGroup('east')).toEqual([]);
    expect(assumed.inGroup('west')).toHaveLength(1);
    assumed.clear();
    expect(assumed.size).toBe(0);
  });
});
