import { describe, expect, it } from 'vitest';
import { deriveClientToken } from './run-instances-input';

describe('deriveClientToken', () => {
  // The worked example in run-instances-input.ts.
  it.each([
    ['launch-7f3a', 0, '9addb385087586e0936fa3a81f0080d62838b6b3009f336c6224638d5b687d03'],
  ])('token %s index %i -> %s', (token, index, expected) => {
    expect(deriveClientToken(token, index)).toBe(expected);
  });

  it('is 64 ASCII characters, stable, and distinct per index and token', () => {
    const tokens = ['a', 'x'.repeat(64)].flatMap((t) => [0, 1, 2].map((i) => deriveClientToken(t, i)));
    for (const t of tokens) expect(t).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(deriveClientToken('a', 1)).toBe(tokens[1]);
  });
});
