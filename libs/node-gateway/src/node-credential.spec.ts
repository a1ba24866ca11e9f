import { describe, expect, it } from 'vitest';
import { bearerCredential, signCredential, verifyCredential, type NodeIdentity } from './node-credential';

const key = Buffer.alloc(32, 1);
const otherKey = Buffer.alloc(32, 2);
const identity: NodeIdentity = { cell: 'c1', node: 'n1', pool: 'gpu-a', expiresAt: Date.parse('2026-12-04T12:00:00Z') };
const credential = signCredential(key, identity);
const before = Date.parse('2026-12-04T11:59:59Z');
const [version, payload, signature] = credential.split('.');
const otherPayload = Buffer.from(JSON.stringify({ c: 'c1', n: 'n2', p: 'gpu-a', e: identity.expiresAt / 1000 })).toString('base64url');

describe('node credentials', () => {
  it('verify with the key they were signed with, before their expiry', () => {
    expect(credential).toMatch(/^hn1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyCredential(key, credential, before)).toEqual(identity);
  });

  it.each([
    ['at its expiry', credential, key, identity.expiresAt, 'node credential of c1/n1 expired at 2026-12-04T12:00:00.000Z: join again with a bootstrap token'],
    ['signed with another key', credential, otherKey, before, 'node credential is not valid: its signature does not match (altered, or not issued by this control plane)'],
    ['with another node in its payload', `${version}.${otherPayload}.${signature}`, key, before, 'node credential is not valid: its signature does not match (altered, or not issued by this control plane)'],
    ['with a cut signature', `${version}.${payload}.${signature!.slice(0, 20)}`, key, before, 'node credential is not valid: its signature does not match (altered, or not issued by this control plane)'],
    ['of another version', `hn0.${payload}.${signature}`, key, before, 'node credential is malformed: expected "hn1.<payload>.<signature>"'],
    ['of two parts', `${version}.${payload}`, key, before, 'node credential is malformed: expected "hn1.<payload>.<signature>"'],
  ])('are refused %s', (_what, text, verifyKey, now, error) => {
    expect(verifyCredential(verifyKey, text, now)).toEqual({ error });
  });
});

describe('bearerCredential', () => {
  it.each([
    [['Bearer hn1.abc.def'], 'hn1.abc.def'],
    [[], { error: 'no node credential: send "authorization: Bearer <credential>" metadata (Join returns the credential)' }],
    [['Bearer a', 'Bearer b'], { error: 'more than one authorization metadata value' }],
    [['Basic abc'], { error: 'authorization metadata must be "Bearer <credential>"' }],
    [['Bearer has space'], { error: 'authorization metadata must be "Bearer <credential>"' }],
  ])('reads %j', (values, result) => {
    expect(bearerCredential(values)).toEqual(result);
  });
});
