import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });

  it('prints maps decoded in another order the same', () => {
    expect(canonicalJson({ env: { B: '2', A: '1' } })).toBe(canonicalJson({ env: { A: '1', B: '2' } }));
  });
});
