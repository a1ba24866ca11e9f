import { canonicalJson, ReplicaTemplate } from '@helios/api';

const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/**
 * FNV-1a, 64 bits, over the UTF-8 bytes of `text`, as 16 hex digits. Kubernetes names its
 * pod-template-hash with FNV too: fast, stable across machines and versions, not a secret.
 */
export function fnv1a64(text: string): string {
  let hash = FNV64_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV64_PRIME) & MASK64;
  }
  return hash.toString(16).padStart(16, '0');
}

/**
 * The identity of a replica template: equal templates (defaults filled in, map order ignored)
 * hash the same, and any change (command, env, image, an annotation such as restartedAt) makes
 * a new hash and so a new revision.
 */
export function templateHash(template: ReplicaTemplate | undefined): string {
  return fnv1a64(canonicalJson(ReplicaTemplate.fromPartial(template ?? {})));
}
