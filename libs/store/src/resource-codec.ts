import { KINDS, metaOf, type AnyResource, type KindName, type ResourceTypes } from '@helios/api';
import { StoreError } from './errors';

/** Decodes a stored value and stamps its mod revision as resourceVersion. */
export function decodeResource<K extends KindName>(kind: K, key: string, value: Uint8Array, modRevision: number): ResourceTypes[K] {
  let obj: ResourceTypes[K];
  try {
    obj = KINDS[kind].codec.decode(value);
  } catch (err) {
    throw new StoreError(key, `${key} does not hold a valid ${KINDS[kind].display}: ${(err as Error).message}`, { cause: err });
  }
  return withVersion(obj, modRevision);
}

/** Encodes an object for storage, without its resourceVersion (that is etcd's mod revision). */
export function encodeResource<K extends KindName>(kind: K, obj: ResourceTypes[K]): Buffer {
  const stored = withVersion(obj, 0);
  return Buffer.from(KINDS[kind].codec.encode(stored).finish());
}

/** A copy of the object with metadata.resourceVersion set. */
export function withVersion<T extends AnyResource>(obj: T, resourceVersion: number): T {
  return { ...obj, metadata: { ...metaOf(obj), resourceVersion } };
}

