import { metaOf, parentOf, type KindName } from '@helios/api';
import type { Logger } from '@helios/config';
import { prefixRangeEnd, type Etcd3, type Informer, type Keys } from '@helios/store';
import { cacheCovers, type KeyVersion } from './cache-coverage';
import { etcdUnavailable } from './start-informer';
import { listScope } from './watch-scope';

// A cache that has not caught up by then is served as it is: its watch is lagging or broken,
// and the events it brings later still reach the stream.
const FRESHNESS_TIMEOUT_MS = 5_000;
// Keys per page of the keys-only read, as the informers' own lists page.
const PAGE_KEYS = 1_000;

/**
 * Makes a stream served from the shared cache see what a list of its own would have: before its
 * first events, the informer's cache must hold every write etcd had committed in the stream's
 * scope when the stream opened (see cacheCovers). Costs one keys-only read of the scope, not a
 * list of its values.
 */
export class CacheFreshness {
  constructor(
    private readonly client: Etcd3,
    private readonly keys: Keys,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the cache of `kind` under `parent` ('' for all) holds etcd's state as of now. */
  async reach<K extends KindName>(informer: Informer<K>, kind: K, parent: string, what: string): Promise<void> {
    let read: { entries: KeyVersion[]; revision: number };
    try {
      read = await this.readScope(kind, parent);
    } catch (err) {
      throw etcdUnavailable(what, err);
    }
    const covered = () => cacheCovers(read.entries, read.revision, cachedVersions(informer, kind, parent), informer.revision);
    if (covered()) return;
    const reached = await new Promise<boolean>((resolve) => {
      let settled = false;
      const done = (value: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe();
        resolve(value);
      };
      // An informer tells its listeners about an event before it moves its revision past it, so
      // look once the watch response has been applied.
      const unsubscribe = informer.on(() => queueMicrotask(() => covered() && done(true)));
      const timer = setTimeout(() => done(covered()), FRESHNESS_TIMEOUT_MS);
      timer.unref();
    });
    if (!reached) this.logger.warn({ kind, parent, revision: read.revision, cacheRevision: informer.revision }, `${what}: the shared cache has not caught up with etcd; serving it as it is`);
  }

  /** The scope's resource keys as `parent/name` and their mod revisions, keys only, at one revision. */
  private async readScope(kind: KindName, parent: string): Promise<{ entries: KeyVersion[]; revision: number }> {
    const prefix = Buffer.from(this.keys.prefix(kind, parent || undefined));
    const end = prefixRangeEnd(prefix);
    const entries: KeyVersion[] = [];
    let from = prefix;
    let revision = 0;
    for (;;) {
      const res = await this.client.kv.range({ key: from, range_end: end, limit: PAGE_KEYS, revision: revision || undefined, keys_only: true });
      if (!revision) revision = Number(res.header.revision);
      for (const kv of res.kvs) {
        // Only the kind's own keys: the informer decodes nothing else under its prefix.
        const id = this.keys.parse(kind, kv.key.toString());
        if (id) entries.push({ key: `${id.parent}/${id.name}`, modRevision: Number(kv.mod_revision) });
      }
      if (!res.more || res.kvs.length === 0) return { entries, revision };
      from = Buffer.concat([res.kvs[res.kvs.length - 1]!.key, Buffer.from([0])]);
    }
  }
}

function cachedVersions<K extends KindName>(informer: Informer<K>, kind: K, parent: string): KeyVersion[] {
  return listScope(informer, kind, parent).map((object) => ({ key: `${parentOf(kind, object)}/${metaOf(object).name}`, modRevision: metaOf(object).resourceVersion }));
}
