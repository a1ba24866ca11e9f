import { describe, expect, it } from 'vitest';
import { replicaName } from './replica-name';

describe('replicaName', () => {
  const fixed = (values: number[]) => {
    let i = 0;
    return () => values[i++ % values.length]!;
  };

  it.each([
    { deployment: 'web', revision: 3, random: [0], want: 'web-3-bbbbb' },
    { deployment: 'web', revision: 12, random: [0.999999], want: 'web-12-99999' },
    { deployment: 'a'.repeat(63), revision: 7, random: [0], want: `${'a'.repeat(55)}-7-bbbbb` },
    // Shortening must not leave "--" behind.
    { deployment: `${'a'.repeat(54)}-bcdefgh`, revision: 7, random: [0], want: `${'a'.repeat(54)}-7-bbbbb` },
  ])('$deployment, revision $revision -> $want', ({ deployment, revision, random, want }) => {
    const name = replicaName(deployment, revision, fixed(random));
    expect(name).toBe(want);
    expect(name.length).toBeLessThanOrEqual(63);
  });
});
