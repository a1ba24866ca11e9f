import { randomBytes } from 'node:crypto';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * Picks `count` new node names `<pool>-<5 characters>` that are not in `taken`, the way
 * Kubernetes names pods: no vowels (no accidental words), no 0/1/3 (no look-alikes).
 * 27^5 = 14 million names per pool make a retry on collision rare.
 */
export function newNodeNames(pool: string, count: number, taken: ReadonlySet<string>): string[] {
  const names: string[] = [];
  const used = new Set(taken);
  while (names.length < count) {
    const bytes = randomBytes(5);
    const name = `${pool}-${[...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`;
    if (used.has(name)) continue;
    used.add(name);
    names.push(name);
  }
  return names;
}
