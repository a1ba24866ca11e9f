import { createHash, timingSafeEqual } from 'node:crypto';
import type { StoredBootstrapToken } from '@helios/api';

/** A bootstrap token split into its public id and its secret. */
export interface TokenParts {
  id: string;
  secret: string;
}

/** Length of a token's id and of the secrets `helios token create` makes (as kubeadm's: 6 and 16). */
export const TOKEN_ID_LENGTH = 6;
export const TOKEN_SECRET_LENGTH = 16;

// kubeadm's shape, `[a-z0-9]{6}.[a-z0-9]{16}`; longer secrets are accepted, shorter ones not.
const TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16,128})$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Splits `<id>.<secret>` into its parts, or says why it is not a token. The message never
 * repeats the text: it may be a mistyped secret.
 *
 * Example: `abc123.0123456789abcdef` -> {id: abc123, secret: 0123456789abcdef}; `abc123` -> error.
 */
export function parseBootstrapToken(text: string): TokenParts | { error: string } {
  const match = TOKEN_PATTERN.exec(text);
  if (!match) {
    return { error: `bootstrap token is malformed: expected "<id>.<secret>", ${TOKEN_ID_LENGTH} and ${TOKEN_SECRET_LENGTH} or more lowercase letters and digits` };
  }
  return { id: match[1]!, secret: match[2]! };
}

/** `<id>.<secret>`. */
export function formatBootstrapToken(parts: TokenParts): string {
  return `${parts.id}.${parts.secret}`;
}

/**
 * `length` characters of [a-z0-9] from random bytes, without modulo bias: bytes of 252 and
 * above (252 = 7 x 36) are dropped, so each character is uniform over the 36.
 */
export function tokenChars(length: number, randomBytes: (n: number) => Buffer): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= 252) continue;
      out += ALPHABET[byte % 36];
      if (out.length === length) break;
    }
  }
  return out;
}

/** SHA-256 of a secret: what is stored in its place. */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** A join's claim against a stored token. */
export interface TokenAttempt {
  secret: string;
  /** The pool the joining node names. */
  pool: string;
  node: string;
  now: Date;
}

/** What a join does with a stored token: use it up (delete it), use one of several, or refuse. */
export type TokenVerdict = { ok: true; consume: 'delete' | 'decrement' } | { ok: false; reason: string };

/**
 * Judges a join against the token as stored: the secret's hash must match (compared in constant
 * time), the token must not have expired, have a use left, and name the node's pool if it names
 * one. The same message for an unknown id and a wrong secret, so ids cannot be probed.
 *
 * Example: a token of cell c1, pool gpu-a, 1 use, expiring at 12:00 -> at 11:00 with the right
 * secret and pool gpu-a: consume by delete; with 3 uses: decrement; at 12:00: expired;
 * pool gpu-b: refused naming both pools.
 */
export function judgeToken(stored: StoredBootstrapToken | undefined, id: string, attempt: TokenAttempt): TokenVerdict {
  const token = stored?.token;
  const expected = stored?.secretSha256;
  const given = hashSecret(attempt.secret);
  if (!token || !expected || expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: `bootstrap token ${id} is not valid: unknown, used up, or its secret does not match` };
  }
  const expires = token.expireTime ? Date.parse(token.expireTime) : NaN;
  if (!(attempt.now.getTime() < expires)) return { ok: false, reason: `bootstrap token ${id} expired at ${token.expireTime ?? '(no expiry recorded)'}` };
  if (token.usesLeft < 1) return { ok: false, reason: `bootstrap token ${id} is used up` };
  if (token.pool !== '' && token.pool !== attempt.pool) {
    return {
      ok: false,
      reason: `bootstrap token ${id} is for pool ${token.pool} of cell ${token.cell}; node ${attempt.node} names pool ${attempt.pool === '' ? '(none)' : attempt.pool}`,
    };
  }
  return { ok: true, consume: token.usesLeft <= 1 ? 'delete' : 'decrement' };
}
