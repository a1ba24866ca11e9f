import { createHmac, timingSafeEqual } from 'node:crypto';

/** Who a node credential says its bearer is, and until when. */
export interface NodeIdentity {
  cell: string;
  node: string;
  /** The pool its bootstrap token named ('' when the token named none): the node may register only there. */
  pool: string;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
}

/** The metadata key and scheme a node sends its credential under: `authorization: Bearer <credential>`. */
export const CREDENTIAL_METADATA_KEY = 'authorization';
const BEARER = /^Bearer ([A-Za-z0-9_\-.]+)$/;

// Version prefix, and the domain the HMAC is computed in: a signature made for anything else
// with the same key never verifies as a credential.
const VERSION = 'hn1';
const DOMAIN = 'helios node credential\n';

/**
 * A signed credential: `hn1.<payload>.<signature>`, the payload base64url JSON
 * `{"c":cell,"n":node,"p":pool,"e":expiry seconds}`, the signature base64url HMAC-SHA256 over
 * `hn1.<payload>` with the control plane's key. Readable by anyone (it is no secret what a
 * node is called), forgeable by no one without the key.
 */
export function signCredential(key: Buffer, identity: NodeIdentity): string {
  const payload = Buffer.from(JSON.stringify({ c: identity.cell, n: identity.node, p: identity.pool, e: Math.floor(identity.expiresAt / 1000) })).toString('base64url');
  const body = `${VERSION}.${payload}`;
  return `${body}.${mac(key, body).toString('base64url')}`;
}

/**
 * The identity a credential proves, or why it proves none: malformed, signed with another key
 * (or altered), or expired at `nowMs`. The signature is compared in constant time.
 */
export function verifyCredential(key: Buffer, credential: string, nowMs: number): NodeIdentity | { error: string } {
  const parts = credential.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return { error: `node credential is malformed: expected "${VERSION}.<payload>.<signature>"` };
  const body = `${parts[0]}.${parts[1]}`;
  const given = Buffer.from(parts[2]!, 'base64url');
  const expected = mac(key, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { error: 'node credential is not valid: its signature does not match (altered, or not issued by this control plane)' };
  let claims: { c?: unknown; n?: unknown; p?: unknown; e?: unknown };
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return { error: 'node credential is malformed: its payload is not JSON' };
  }
  if (typeof claims.c !== 'string' || typeof claims.n !== 'string' || typeof claims.p !== 'string' || typeof claims.e !== 'number') {
    return { error: 'node credential is malformed: its payload lacks cell, node, pool or expiry' };
  }
  const expiresAt = claims.e * 1000;
  if (nowMs >= expiresAt) return { error: `node credential of ${claims.c}/${claims.n} expired at ${new Date(expiresAt).toISOString()}: join again with a bootstrap token` };
  return { cell: claims.c, node: claims.n, pool: claims.p, expiresAt };
}

/** The credential in an `authorization` metadata value, or why there is none. */
export function bearerCredential(values: readonly (string | Buffer)[]): string | { error: string } {
  if (values.length === 0) return { error: `no node credential: send "${CREDENTIAL_METADATA_KEY}: Bearer <credential>" metadata (Join returns the credential)` };
  if (values.length > 1) return { error: `more than one ${CREDENTIAL_METADATA_KEY} metadata value` };
  const match = BEARER.exec(String(values[0]));
  if (!match) return { error: `${CREDENTIAL_METADATA_KEY} metadata must be "Bearer <credential>"` };
  return match[1]!;
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(DOMAIN).update(body).digest();
}
