/** Characters of a replica name's random suffix: no vowels (no words), no look-alikes (0/o, 1/l). */
export const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const MAX_NAME_LENGTH = 63;

/**
 * The name of a new replica: `<deployment>-<revision>-<5 random characters>`, as Kubernetes
 * names pods. The deployment part is shortened when the whole would pass 63 characters (a DNS
 * label; the key still groups the replica under its deployment), never ending in '-'.
 *
 * Example: ("web", 3, random) -> "web-3-x7kq2".
 */
export function replicaName(deployment: string, revision: number, random: () => number): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[Math.floor(random() * SUFFIX_ALPHABET.length) % SUFFIX_ALPHABET.length];
  const tail = `-${revision}-${suffix}`;
  const head = deployment.slice(0, MAX_NAME_LENGTH - tail.length).replace(/-+$/, '');
  return `${head}${tail}`;
}
