import { randomBytes } from 'node:crypto';
import type { Etcd3 } from 'etcd3';

// 256 bits: the HMAC-SHA256 block's worth of key.
const KEY_BYTES = 32;

/**
 * Reads the key node credentials are signed with, creating it first if no replica has: one
 * create-if-absent transaction, so every control-plane replica signs and verifies with the same
 * key whichever starts first. Rotation is not built: replacing the key invalidates every
 * credential, and nodes join again with a bootstrap token.
 */
export async function loadSigningKey(client: Etcd3, key: string): Promise<Buffer> {
  const candidate = randomBytes(KEY_BYTES);
  let res;
  try {
    res = await client.kv.txn({
      compare: [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key: Buffer.from(key), value: candidate } }],
      failure: [{ request_range: { key: Buffer.from(key) } }],
    });
  } catch (err) {
    throw new Error(`reading the node credential signing key ${key}: etcd request failed: ${(err as Error).message}`, { cause: err });
  }
  if (res.succeeded) return candidate;
  const stored = res.responses[0]?.response_range?.kvs?.[0]?.value;
  if (!stored || stored.length < KEY_BYTES) throw new Error(`the node credential signing key ${key} is missing or shorter than ${KEY_BYTES} bytes`);
  return Buffer.from(stored);
}
