import type { Etcd3, IKeyValue } from 'etcd3';

/**
 * The exclusive end of the key range that holds every key starting with `prefix`: the prefix
 * with its last byte incremented, dropping trailing 0xff bytes first.
 * `/a/` -> `/a0` ('/' is 0x2f, '0' is 0x30); `a\xff` -> `b`; all-0xff -> `\0` (no end, etcd's
 * "to the end of the keyspace").
 */
export function prefixRangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** Keys and values under a prefix as of one revision. */
export interface PrefixSnapshot {
  kvs: IKeyValue[];
  /** The etcd revision the snapshot is consistent at. */
  revision: number;
}

/**
 * Reads every key under a prefix at one revision, in pages, so a list of 10,000 nodes never
 * becomes one response larger than a gRPC message may be. Later pages are read at the first
 * page's revision, so the result is one consistent snapshot.
 */
export async function readPrefix(client: Etcd3, prefix: string, pageSize = 1000): Promise<PrefixSnapshot> {
  const end = prefixRangeEnd(Buffer.from(prefix));
  const kvs: IKeyValue[] = [];
  let from = Buffer.from(prefix);
  let revision = 0;
  for (;;) {
    const res = await client.kv.range({ key: from, range_end: end, limit: pageSize, revision: revision || undefined });
    if (!revision) revision = Number(res.header.revision);
    kvs.push(...res.kvs);
    if (!res.more || res.kvs.length === 0) return { kvs, revision };
    // The smallest key after the last one read: itself followed by a zero byte.
    from = Buffer.concat([res.kvs[res.kvs.length - 1]!.key, Buffer.from([0])]);
  }
}
