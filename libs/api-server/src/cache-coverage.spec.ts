import { describe, expect, it } from 'vitest';
import { cacheCovers, type KeyVersion } from './cache-coverage';

const at = (entries: Record<string, number>): KeyVersion[] => Object.entries(entries).map(([key, modRevision]) => ({ key, modRevision }));

describe('cacheCovers', () => {
  // The worked example of the doc comment: etcd read at revision 120 holds a@100 and b@118.
  const read = at({ a: 100, b: 118 });
  it.each<{ name: string; cached: Record<string, number>; cacheRevision: number; want: boolean }>([
    { name: 'cache past the read', cached: {}, cacheRevision: 120, want: true },
    { name: "cache lacking b's write of 118", cached: { a: 100 }, cacheRevision: 110, want: false },
    { name: 'cache holding b at an older write', cached: { a: 100, b: 105 }, cacheRevision: 110, want: false },
    { name: "cache yet to see c's delete", cached: { a: 100, b: 118, c: 90 }, cacheRevision: 118, want: false },
    { name: 'cache equal to the read (only other prefixes changed up to 120)', cached: { a: 100, b: 118 }, cacheRevision: 118, want: true },
    { name: 'cache past the read holding newer writes', cached: { a: 100, b: 121, d: 125 }, cacheRevision: 125, want: true },
  ])('$name -> $want', ({ cached, cacheRevision, want }) => {
    expect(cacheCovers(read, 120, at(cached), cacheRevision)).toBe(want);
  });

  it.each<{ name: string; cached: Record<string, number>; want: boolean }>([
    { name: 'an empty cache, an empty read', cached: {}, want: true },
    { name: 'a cache still holding a key etcd deleted', cached: { gone: 40 }, want: false },
  ])('$name -> $want', ({ cached, want }) => {
    expect(cacheCovers([], 50, at(cached), 45)).toBe(want);
  });
});
