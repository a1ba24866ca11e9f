/** A key and the etcd revision its value was last written at. */
export interface KeyVersion {
  key: string;
  modRevision: number;
}

/**
 * Whether an informer's cache holds at least what a read of etcd saw: the test a stream passes
 * before it serves its first events from the shared cache, so that what a client wrote before
 * it opened the stream is in them (as a list of its own would have been).
 *
 * The read is keys-only at `readRevision` over the stream's scope; the cache is the informer's
 * entries in that scope and the revision it has applied events up to. A cache at or past the
 * read's revision holds it. Short of it, the cache has seen no event after `cacheRevision`, so it
 * holds the read exactly when every key read is cached at that write or a later one, and every
 * cached key the read lacks was written after it (a cached key etcd had already deleted is a
 * delete still on its way). Example, read at 120 of {a@100, b@118}: a cache at 110 holding
 * {a@100} lacks b's write of 118, one holding {a@100, b@118, c@90} has yet to see c's delete, and
 * one holding {a@100, b@118} is up to date: nothing but other prefixes changed up to 120.
 */
export function cacheCovers(read: readonly KeyVersion[], readRevision: number, cached: Iterable<KeyVersion>, cacheRevision: number): boolean {
  if (cacheRevision >= readRevision) return true;
  const readAt = new Map(read.map((entry) => [entry.key, entry.modRevision]));
  let found = 0;
  for (const entry of cached) {
    const written = readAt.get(entry.key);
    if (written === undefined) {
      if (entry.modRevision <= readRevision) return false;
      continue;
    }
    if (entry.modRevision < written) return false;
    found++;
  }
  return found === readAt.size;
}
