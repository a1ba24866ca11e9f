import { createHash } from 'node:crypto';

/** Namespace of Helios request ids (a random v4 UUID, fixed forever: changing it re-keys every launch). */
export const HELIOS_REQUEST_ID_NAMESPACE = '3f8e2c4a-9b1d-4e7f-a2c6-5d0b8e1f7a93';

/**
 * Returns the RFC 4122 version-5 (SHA-1, name-based) UUID of `name` in `namespace`: the first 16
 * bytes of SHA-1(namespace bytes || UTF-8 name), with the version nibble set to 5 and the variant
 * bits to 10.
 *
 * Worked example (RFC 4122's DNS namespace 6ba7b810-9dad-11d1-80b4-00c04fd430c8, name
 * "www.example.com"): SHA-1 starts 2ed6657de927468b55e12665a8aea6a2...; byte 6 0x46 becomes 0x56
 * (version 5), byte 8 0x55 becomes 0x95 (variant 10) -> 2ed6657d-e927-568b-95e1-2665a8aea6a2.
 */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`namespace ${namespace} is not a UUID`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Returns the GCE `requestId` of the `index`-th instance of a launch: the v5 UUID of
 * `<token>/<index>` in the Helios namespace. The same (token, index) gives the same id in every
 * process, so an insert repeated after a crash is recognised by GCE and not performed twice.
 */
export function requestIdFor(token: string, index: number): string {
  return uuidV5(`${token}/${index}`, HELIOS_REQUEST_ID_NAMESPACE);
}
