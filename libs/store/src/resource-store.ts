import { KINDS, metaOf, parentOf, type KindName, type ResourceTypes } from '@helios/api';
import type { Etcd3, ICompare, IKeyValue, IRequestOp, ITxnResponse } from 'etcd3';
import { AlreadyExistsError, ConflictError, FencedError, NotFoundError, StoreError } from './errors';
import { fenceCompare, type Fence } from './fence';
import type { Keys } from './keys';
import { readPrefix } from './prefix-range';
import { decodeResource, encodeResource, withVersion } from './resource-codec';

/** Options of every write. */
export interface WriteOptions {
  /** etcd lease id (decimal string) the key is bound to; the key vanishes when the lease does. */
  lease?: string;
  /** Refuse the write unless the writer still holds this election key (see {@link Fence}). */
  fence?: Fence;
  /**
   * Told the etcd revision and key of every write that took effect (a controller's
   * read-your-writes: `ReconcileContext.wrote`). Not called for a write that was refused.
   */
  onWritten?: (revision: number, key: string) => void;
}

/** Options of a delete: a write that may also be conditional on the object's resourceVersion. */
export interface DeleteOptions extends WriteOptions {
  /** Delete only if the object is still at this version; 0 or absent deletes whatever is there. */
  resourceVersion?: number;
}

/** Objects of a kind as of one etcd revision. */
export interface ListResult<T> {
  items: T[];
  /** The etcd revision the list is consistent at; watch from `revision + 1` to follow it. */
  revision: number;
}

// etcd refuses a transaction with more than 128 operations in any of its lists (--max-txn-ops),
// or a request past 1.5 MiB: a batch keeps well inside both, the fence compare included.
const BATCH_MAX_OBJECTS = 100;
const BATCH_MAX_BYTES = 1024 * 1024;
// Batches of one updateEach / createEach in flight at once.
const BATCHES_IN_FLIGHT = 4;

// How often mutate() re-reads and re-applies fn after losing a compare-and-swap race. Each round
// costs two round trips; more than a handful of losses in a row means a hot key, which is worth an
// error rather than a spin.
const MUTATE_ATTEMPTS = 8;

/**
 * Reads and writes Helios resources in etcd, with optimistic concurrency: every update and
 * conditional delete is a compare-and-swap on the key's mod revision, which each returned
 * object carries as `metadata.resourceVersion` (never stored in the value itself).
 */
export class ResourceStore {
  constructor(
    private readonly client: Etcd3,
    private readonly keys: Keys,
  ) {}

  /** Reads one object, or undefined when absent. */
  async get<K extends KindName>(kind: K, name: string, parent?: string): Promise<ResourceTypes[K] | undefined> {
    const key = this.keys.resource(kind, name, parent);
    const res = await this.call(key, `reading ${key}`, () => this.client.kv.range({ key: Buffer.from(key) }));
    const kv = res.kvs[0];
    return kv ? decodeKv(kind, kv) : undefined;
  }

  /** Lists every object of a kind (or those under one cell / deployment) at one revision. */
  async list<K extends KindName>(kind: K, parent?: string): Promise<ListResult<ResourceTypes[K]>> {
    const prefix = this.keys.prefix(kind, parent);
    const snapshot = await this.call(prefix, `listing ${prefix}`, () => readPrefix(this.client, prefix));
    // A prefix of a top-level kind never holds deeper keys, and a parent prefix holds only its
    // own children; anything else under it is not ours to decode.
    const items = snapshot.kvs.filter((kv) => this.keys.parse(kind, kv.key.toString()) !== undefined).map((kv) => decodeKv(kind, kv));
    return { items, revision: snapshot.revision };
  }

  /** Creates an object; throws AlreadyExistsError if its key exists. Returns it as stored. */
  async create<K extends KindName>(kind: K, obj: ResourceTypes[K], opts: WriteOptions = {}): Promise<ResourceTypes[K]> {
    const key = this.keyOf(kind, obj);
    const res = await this.txn(key, `creating ${key}`, opts, [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }], [
      { request_put: { key: Buffer.from(key), value: encodeResource(kind, obj), lease: opts.lease } },
    ]);
    if (!res.succeeded) throw new AlreadyExistsError(key, `cannot create ${key}: it already exists`);
    opts.onWritten?.(Number(res.header.revision), key);
    return withVersion(obj, Number(res.header.revision));
  }

  /**
   * Creates several objects of a kind in as few transactions as etcd allows: one round trip and
   * one raft entry per batch of up to 100 instead of one per object (a deployment controller
   * making 200 replicas at once). A batch is all or nothing: when any of its keys exists, nothing
   * of it is written and its objects are created one by one, each with its own outcome. Returns,
   * per object in order, the object as stored or the AlreadyExistsError it met. Throws
   * FencedError when the fence does not hold, and StoreError when etcd fails.
   */
  async createEach<K extends KindName>(kind: K, objs: readonly ResourceTypes[K][], opts: WriteOptions = {}): Promise<(ResourceTypes[K] | AlreadyExistsError)[]> {
    return eachBatch(batches(kind, objs), async (batch) => {
      const written = batch.length > 1 ? await this.createBatch(kind, batch, opts) : undefined;
      if (written) return written;
      const results: (ResourceTypes[K] | AlreadyExistsError)[] = [];
      for (const { obj } of batch) {
        try {
          results.push(await this.create(kind, obj, opts));
        } catch (err) {
          if (err instanceof AlreadyExistsError) results.push(err);
          else throw err;
        }
      }
      return results;
    });
  }

  /** One transaction of creations; undefined when a key exists already (nothing was written). */
  private async createBatch<K extends KindName>(kind: K, batch: readonly Encoded<K>[], opts: WriteOptions): Promise<ResourceTypes[K][] | undefined> {
    const keys = batch.map(({ obj }) => this.keyOf(kind, obj));
    const compare: ICompare[] = keys.map((key) => ({ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }));
    const success: IRequestOp[] = batch.map(({ value }, i) => ({ request_put: { key: Buffer.from(keys[i]!), value, lease: opts.lease } }));
    return this.batchTxn(keys, `creating ${batch.length} ${kind}s (${keys[0]} ...)`, compare, success, batch, opts);
  }

  /**
   * Replaces an object if it is still at `obj.metadata.resourceVersion`; throws ConflictError when
   * it moved on and NotFoundError when it is gone. A resourceVersion of 0 replaces whatever
   * version exists (an unconditional update, as in Kubernetes). Without `opts.lease` the key keeps
   * the lease it had.
   */
  async update<K extends KindName>(kind: K, obj: ResourceTypes[K], opts: WriteOptions = {}): Promise<ResourceTypes[K]> {
    return this.updateAt(kind, this.keyOf(kind, obj), obj, opts);
  }

  /**
   * Replaces several objects of a kind in as few transactions as etcd allows, each object only if
   * still at its resourceVersion: one round trip and one raft entry per batch of up to 100
   * instead of one per object, for controllers that write hundreds at once (placement, binding);
   * up to four batches are in flight at once.
   * A batch is all or nothing: when any of its objects moved on (or is gone), nothing of it is
   * written and its objects are written one by one, each with its own outcome. Returns, per
   * object in order, the object as stored, or the ConflictError / NotFoundError it met. Throws
   * FencedError when the fence does not hold, and StoreError when etcd fails.
   */
  async updateEach<K extends KindName>(kind: K, objs: readonly ResourceTypes[K][], opts: WriteOptions = {}): Promise<(ResourceTypes[K] | ConflictError | NotFoundError)[]> {
    return eachBatch(batches(kind, objs), async (batch) => {
      const written = batch.length > 1 ? await this.updateBatch(kind, batch, opts) : undefined;
      if (written) return written;
      const results: (ResourceTypes[K] | ConflictError | NotFoundError)[] = [];
      for (const { obj } of batch) {
        try {
          results.push(await this.update(kind, obj, opts));
        } catch (err) {
          if (err instanceof ConflictError || err instanceof NotFoundError) results.push(err);
          else throw err;
        }
      }
      return results;
    });
  }

  /** One transaction of CAS updates; undefined when a compare failed (nothing was written). */
  private async updateBatch<K extends KindName>(kind: K, batch: readonly Encoded<K>[], opts: WriteOptions): Promise<ResourceTypes[K][] | undefined> {
    const keys = batch.map(({ obj }) => this.keyOf(kind, obj));
    const compare: ICompare[] = batch.map(({ obj }, i) => {
      const rv = metaOf(obj).resourceVersion;
      const key = Buffer.from(keys[i]!);
      return rv ? { key, target: 'Mod', result: 'Equal', mod_revision: rv } : { key, target: 'Version', result: 'Greater', version: 0 };
    });
    const success: IRequestOp[] = batch.map(({ value }, i) => ({ request_put: { key: Buffer.from(keys[i]!), value, ignore_lease: true } }));
    return this.batchTxn(keys, `updating ${batch.length} ${kind}s (${keys[0]} ...)`, compare, success, batch, opts);
  }

  /**
   * Runs one batch's transaction, fenced: the objects as stored when it went through, undefined
   * when one of its compares failed (nothing was written), FencedError when the fence failed.
   */
  private async batchTxn<K extends KindName>(
    keys: readonly string[],
    what: string,
    compare: ICompare[],
    success: IRequestOp[],
    batch: readonly Encoded<K>[],
    opts: WriteOptions,
  ): Promise<ResourceTypes[K][] | undefined> {
    if (opts.fence) compare.push(fenceCompare(opts.fence));
    const failure: IRequestOp[] = opts.fence ? [{ request_range: { key: Buffer.from(opts.fence.key) } }] : [];
    const res = await this.call(keys[0]!, what, () => this.client.kv.txn({ compare, success, failure }));
    if (!res.succeeded) {
      if (opts.fence) {
        const holder = failureRead(res, 0);
        if (!holder || Number(holder.create_revision) !== opts.fence.createRevision) {
          throw new FencedError(keys[0]!, opts.fence.key, `${what} refused: ${opts.fence.key} is no longer held at createRevision ${opts.fence.createRevision}`);
        }
      }
      return undefined;
    }
    const revision = Number(res.header.revision);
    for (const key of keys) opts.onWritten?.(revision, key);
    return batch.map(({ obj }) => withVersion(obj, revision));
  }

  /**
   * Deletes an object and returns its last state; throws NotFoundError when absent and
   * ConflictError when `opts.resourceVersion` is given and stale.
   */
  async delete<K extends KindName>(kind: K, name: string, parent?: string, opts: DeleteOptions = {}): Promise<ResourceTypes[K]> {
    const key = this.keys.resource(kind, name, parent);
    const rv = opts.resourceVersion ?? 0;
    const guard: ICompare = rv
      ? { key: Buffer.from(key), target: 'Mod', result: 'Equal', mod_revision: rv }
      : { key: Buffer.from(key), target: 'Version', result: 'Greater', version: 0 };
    const res = await this.txn(key, `deleting ${key}`, opts, [guard], [{ request_delete_range: { key: Buffer.from(key), prev_kv: true } }]);
    if (!res.succeeded) {
      const current = failureRead(res, 0);
      if (!current) throw new NotFoundError(key, `cannot delete ${key}: not found`);
      throw new ConflictError(key, `cannot delete ${key} at resourceVersion ${rv}: it is at ${current.mod_revision}`);
    }
    const prev = res.responses[0]?.response_delete_range?.prev_kvs?.[0];
    // Between the compare and the delete nothing can happen (one txn), so prev is always there.
    if (!prev) throw new NotFoundError(key, `cannot delete ${key}: not found`);
    opts.onWritten?.(Number(res.header.revision), key);
    return decodeKv(kind, prev);
  }

  /**
   * Read-modify-write of one object, retried when another writer wins the race. `fn` receives a
   * fresh copy of the current object (it may change it in place) and returns the next state, or
   * undefined to write nothing. Returns the object as stored (or as read, when nothing was
   * written). Throws NotFoundError when the object is absent and FencedError at once.
   */
  async mutate<K extends KindName>(
    kind: K,
    name: string,
    parent: string | undefined,
    fn: (current: ResourceTypes[K]) => ResourceTypes[K] | undefined,
    opts: WriteOptions = {},
  ): Promise<ResourceTypes[K]> {
    const key = this.keys.resource(kind, name, parent);
    let lastConflict: ConflictError | undefined;
    for (let attempt = 0; attempt < MUTATE_ATTEMPTS; attempt++) {
      const current = await this.get(kind, name, parent);
      if (!current) throw new NotFoundError(key, `cannot mutate ${key}: not found`);
      const rv = metaOf(current).resourceVersion;
      // fn may change its argument in place; a copy keeps `current` intact for the no-write case.
    const next = fn(decodeResource(kind, key, encodeResource(kind, current), rv));
      if (next === undefined) return current;
      try {
        return await this.updateAt(kind, key, withVersion(next, rv), opts);
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        lastConflict = err;
      }
    }
    throw new ConflictError(key, `cannot mutate ${key}: lost ${MUTATE_ATTEMPTS} compare-and-swap races in a row`, { cause: lastConflict });
  }

  private async updateAt<K extends KindName>(kind: K, key: string, obj: ResourceTypes[K], opts: WriteOptions): Promise<ResourceTypes[K]> {
    const rv = metaOf(obj).resourceVersion;
    const guard: ICompare = rv
      ? { key: Buffer.from(key), target: 'Mod', result: 'Equal', mod_revision: rv }
      : { key: Buffer.from(key), target: 'Version', result: 'Greater', version: 0 };
    // ignore_lease keeps the key's current lease: a plain put would silently detach it.
    const put = opts.lease
      ? { key: Buffer.from(key), value: encodeResource(kind, obj), lease: opts.lease }
      : { key: Buffer.from(key), value: encodeResource(kind, obj), ignore_lease: true };
    const res = await this.txn(key, `updating ${key}`, opts, [guard], [{ request_put: put }]);
    if (!res.succeeded) {
      const current = failureRead(res, 0);
      if (!current) throw new NotFoundError(key, `cannot update ${key}: not found`);
      throw new ConflictError(key, `cannot update ${key} at resourceVersion ${rv}: it is at ${current.mod_revision}`);
    }
    opts.onWritten?.(Number(res.header.revision), key);
    return withVersion(obj, Number(res.header.revision));
  }

  /**
   * Runs one txn of `compare` (plus the fence) -> `success`. On failure the same txn reads the key
   * and the fence key back, so telling "deposed" from "conflict" costs no extra round trip.
   * Throws FencedError when the fence does not hold; otherwise the caller reads `failureRead`.
   */
  private async txn(key: string, what: string, opts: WriteOptions, compare: ICompare[], success: IRequestOp[]): Promise<ITxnResponse> {
    const failure: IRequestOp[] = [{ request_range: { key: Buffer.from(key) } }];
    if (opts.fence) {
      compare = [...compare, fenceCompare(opts.fence)];
      failure.push({ request_range: { key: Buffer.from(opts.fence.key) } });
    }
    const res = await this.call(key, what, () => this.client.kv.txn({ compare, success, failure }));
    if (!res.succeeded && opts.fence) {
      const holder = failureRead(res, 1);
      if (!holder || Number(holder.create_revision) !== opts.fence.createRevision) {
        throw new FencedError(key, opts.fence.key, `${what} refused: ${opts.fence.key} is no longer held at createRevision ${opts.fence.createRevision}`);
      }
    }
    return res;
  }

  private async call<T>(key: string, what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new StoreError(key, `${what}: etcd request failed: ${(err as Error).message}`, { cause: err });
    }
  }

  private keyOf<K extends KindName>(kind: K, obj: ResourceTypes[K]): string {
    const parent = parentOf(kind, obj);
    return this.keys.resource(kind, metaOf(obj).name, KINDS[kind].parentField ? parent : undefined);
  }
}

/** An object with its stored encoding. */
interface Encoded<K extends KindName> {
  obj: ResourceTypes[K];
  value: Buffer;
}

/**
 * Runs `write` over the batches, up to BATCHES_IN_FLIGHT at once (etcd commits concurrent
 * transactions in one raft round, so 20 batches cost far less than 20 round trips in a row), and
 * returns the results in the order of the objects. The first failure is thrown once every batch
 * begun has ended, so none is cut off halfway unobserved.
 */
async function eachBatch<B, R>(all: readonly B[], write: (batch: B) => Promise<R[]>): Promise<R[]> {
  const results: R[][] = new Array(all.length);
  let next = 0;
  let failure: { err: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (next < all.length && !failure) {
      const i = next++;
      try {
        results[i] = await write(all[i]!);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCHES_IN_FLIGHT, all.length) }, lane));
  if (failure) throw failure.err;
  return results.flat();
}

/** Splits objects into batches within etcd's operation and request-size limits. */
function batches<K extends KindName>(kind: K, objs: readonly ResourceTypes[K][]): Encoded<K>[][] {
  const out: Encoded<K>[][] = [];
  let current: Encoded<K>[] = [];
  let bytes = 0;
  for (const obj of objs) {
    const value = encodeResource(kind, obj);
    if (current.length > 0 && (current.length >= BATCH_MAX_OBJECTS || bytes + value.length > BATCH_MAX_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push({ obj, value });
    bytes += value.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** The kv a failed txn read back with its `index`-th failure op, if the key exists. */
function failureRead(res: ITxnResponse, index: number): IKeyValue | undefined {
  return res.responses[index]?.response_range?.kvs?.[0];
}

function decodeKv<K extends KindName>(kind: K, kv: IKeyValue): ResourceTypes[K] {
  return decodeResource(kind, kv.key.toString(), kv.value, Number(kv.mod_revision));
}
