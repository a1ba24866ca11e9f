import { StoredBootstrapToken } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { formatBootstrapToken, hashSecret, judgeToken, parseBootstrapToken, tokenChars } from './bootstrap-token';

describe('parseBootstrapToken', () => {
  it.each([
    ['abc123.0123456789abcdef', { id: 'abc123', secret: '0123456789abcdef' }],
    ['abc123.0123456789abcdefghij', { id: 'abc123', secret: '0123456789abcdefghij' }],
  ])('splits %s', (text, parts) => {
    expect(parseBootstrapToken(text)).toEqual(parts);
    expect(formatBootstrapToken(parts)).toBe(text);
  });

  it.each([
    ['no dot', 'abc1230123456789abcdef'],
    ['a short id', 'abc12.0123456789abcdef'],
    ['a short secret', 'abc123.0123456789abcde'],
    ['upper case', 'ABC123.0123456789abcdef'],
    ['a third part', 'abc123.0123456789abcdef.x'],
    ['the empty string', ''],
  ])('refuses %s without echoing it', (_what, text) => {
    const parsed = parseBootstrapToken(text);
    expect(parsed).toEqual({ error: 'bootstrap token is malformed: expected "<id>.<secret>", 6 and 16 or more lowercase letters and digits' });
  });
});

describe('tokenChars', () => {
  it('draws [a-z0-9] only, dropping bytes of 252 and above (no modulo bias)', () => {
    // 0 -> a, 35 -> 9, 36 -> a again, 251 -> 251 % 36 = 35 -> 9, 1 -> b; 252..255 are dropped.
    const bytes = Buffer.from([252, 0, 255, 35, 36, 251, 253, 1]);
    expect(tokenChars(5, () => bytes)).toBe('a9a9b');
    // Past the bytes given, more are drawn: the sixth character is the next draw's first.
    expect(tokenChars(6, () => bytes)).toBe('a9a9ba');
  });

  it('makes strings of the asked length from real randomness', () => {
    const text = tokenChars(16, (n) => Buffer.alloc(n, 7));
    expect(text).toBe('hhhhhhhhhhhhhhhh');
  });
});

describe('judgeToken', () => {
  const now = new Date('2026-12-03T11:00:00Z');
  const stored = (token: Partial<NonNullable<StoredBootstrapToken['token']>>, secret = 'right-secret-0000') =>
    StoredBootstrapToken.fromPartial({
      token: { id: 'abc123', cell: 'c1', pool: '', usesLeft: 1, expireTime: '2026-12-03T12:00:00.000Z', ...token },
      secretSha256: hashSecret(secret),
    });
  const attempt = { secret: 'right-secret-0000', pool: 'gpu-a', node: 'n1', now };

  it.each([
    ['a single-use token', stored({}), attempt, { ok: true, consume: 'delete' }],
    ['a token with 3 uses', stored({ usesLeft: 3 }), attempt, { ok: true, consume: 'decrement' }],
    ['the named pool', stored({ pool: 'gpu-a' }), attempt, { ok: true, consume: 'delete' }],
    ['an unknown id', undefined, attempt, { ok: false, reason: 'bootstrap token abc123 is not valid: unknown, used up, or its secret does not match' }],
    ['a wrong secret', stored({}), { ...attempt, secret: 'wrong-secret-0000' }, { ok: false, reason: 'bootstrap token abc123 is not valid: unknown, used up, or its secret does not match' }],
    ['the expiry itself', stored({}), { ...attempt, now: new Date('2026-12-03T12:00:00Z') }, { ok: false, reason: 'bootstrap token abc123 expired at 2026-12-03T12:00:00.000Z' }],
    ['no uses left', stored({ usesLeft: 0 }), attempt, { ok: false, reason: 'bootstrap token abc123 is used up' }],
    ['another pool', stored({ pool: 'gpu-b' }), attempt, { ok: false, reason: 'bootstrap token abc123 is for pool gpu-b of cell c1; node n1 names pool gpu-a' }],
    ['no pool where one is named', stored({ pool: 'gpu-b' }), { ...attempt, pool: '' }, { ok: false, reason: 'bootstrap token abc123 is for pool gpu-b of cell c1; node n1 names pool (none)' }],
  ] as const)('%s', (_what, token, claim, verdict) => {
    expect(judgeToken(token, 'abc123', claim)).toEqual(verdict);
  });
});
