import type { KindName, ResourceTypes } from '@helios/api';
import type { Etcd3 } from 'etcd3';
import { KeyInformer, type InformerErrorListener, type KeyEvent } from './key-informer';
import type { Keys } from './keys';
import { decodeResource } from './resource-codec';

/** A change of one resource seen by an Informer. */
export interface InformerEvent<T> {
  type: 'added' | 'modified' | 'deleted';
  key: string;
  /** The new state; for 'deleted', the last state the cache held. */
  object: T;
  /** The state before a 'modified'. */
  previous?: T;
}

/**
 * Maps an object to the index values it is filed under (none, one or several): `byCell` files a
 * node under its cell. Values are plain strings; composite ones are joined with '/'.
 */
export type IndexFn<T> = (object: T) => Iterable<string> | string | undefined;

/** Options of an Informer. */
export interface InformerOptions<T = unknown> {
  /** Indexes kept in step with the cache, by name: read them with `byIndex(name, value)`. */
  indexes?: Record<string, IndexFn<T>>;
  /** Follow only the resources under this cell (pools, nodes) or deployment (replicas). */
  parent?: string;
  /** Called for problems the informer recovers from on its own (compaction, undecodable values). */
  onError?: InformerErrorListener;
}

/**
 * Keeps an in-memory, always-decoded copy of every resource of a kind (optionally under one
 * parent) and tells listeners what changed: the cache controllers read instead of etcd. Lists,
 * then watches from the list's revision + 1; after a compaction it lists again and reports the
 * difference; after a disconnect it resumes from the last revision it saw.
 */
export class Informer<K extends KindName> {
  private readonly raw: KeyInformer;
  private readonly cache = new Map<string, ResourceTypes[K]>();
  private readonly listeners = new Set<(event: InformerEvent<ResourceTypes[K]>) => void>();
  /** index name -> value -> keys filed under it. */
  private readonly indexes = new Map<string, { fn: IndexFn<ResourceTypes[K]>; byValue: Map<string, Set<string>> }>();

  constructor(
    client: Etcd3,
    private readonly keys: Keys,
    private readonly kind: K,
    private readonly options: InformerOptions<ResourceTypes[K]> = {},
  ) {
    this.raw = new KeyInformer(client, keys.prefix(kind, options.parent), { onError: options.onError });
    this.raw.on((event) => this.onKeyEvent(event));
    for (const [name, fn] of Object.entries(options.indexes ?? {})) this.indexes.set(name, { fn, byValue: new Map() });
  }

  /** The etcd prefix this informer follows. */
  get prefix(): string {
    return this.raw.prefix;
  }

  /**
   * Lists into the cache and starts watching; resolves once the cache holds the list. Listeners
   * subscribed before start() receive an 'added' event for every listed object.
   */
  start(): Promise<void> {
    return this.raw.start();
  }

  /** Lists again and reports the difference; see {@link KeyInformer.resync}. */
  resync(): Promise<void> {
    return this.raw.resync();
  }

  /** Every cached object, in no particular order. */
  list(): ResourceTypes[K][] {
    return [...this.cache.values()];
  }

  /** The cached object of that name (and parent, for pools, nodes and replicas). */
  get(name: string, parent?: string): ResourceTypes[K] | undefined {
    return this.cache.get(this.keys.resource(this.kind, name, parent ?? this.options.parent));
  }

  /** The cached objects filed under `value` in the index `name` (declared in the options). */
  byIndex(name: string, value: string): ResourceTypes[K][] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`informer of ${this.kind} has no index ${name}`);
    const keys = index.byValue.get(value);
    if (!keys) return [];
    const objects: ResourceTypes[K][] = [];
    for (const key of keys) {
      const object = this.cache.get(key);
      if (object) objects.push(object);
    }
    return objects;
  }

  /** The values of the index `name` that have objects filed under them. */
  indexValues(name: string): string[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`informer of ${this.kind} has no index ${name}`);
    return [...index.byValue.keys()];
  }

  /** The etcd revision the cache is up to date with. */
  get revision(): number {
    return this.raw.revision;
  }

  /** Subscribes to changes; returns the function that unsubscribes. */
  on(listener: (event: InformerEvent<ResourceTypes[K]>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watching (do so before closing the client). The cache keeps its last state. */
  stop(): Promise<void> {
    return this.raw.stop();
  }

  private onKeyEvent(event: KeyEvent): void {
    // Under a kind's prefix only its own keys are decoded: a stray key elsewhere in the tree is
    // not a resource.
    if (!this.keys.parse(this.kind, event.key)) return;
    const previous = this.cache.get(event.key);
    if (event.type === 'deleted') {
      if (!previous) return;
      this.cache.delete(event.key);
      this.unindex(event.key, previous);
      this.emit({ type: 'deleted', key: event.key, object: previous });
      return;
    }
    let object: ResourceTypes[K];
    try {
      object = decodeResource(this.kind, event.key, event.value, event.entry.modRevision);
    } catch (err) {
      // An undecodable value is no object: report it and forget what the key held before.
      this.options.onError?.(err as Error);
      if (previous) {
        this.cache.delete(event.key);
        this.unindex(event.key, previous);
        this.emit({ type: 'deleted', key: event.key, object: previous });
      }
      return;
    }
    this.cache.set(event.key, object);
    if (previous) this.unindex(event.key, previous);
    this.index(event.key, object);
    this.emit(previous ? { type: 'modified', key: event.key, object, previous } : { type: 'added', key: event.key, object });
  }

  private index(key: string, object: ResourceTypes[K]): void {
    for (const { fn, byValue } of this.indexes.values()) {
      for (const value of indexValuesOf(fn, object)) {
        let keys = byValue.get(value);
        if (!keys) byValue.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, object: ResourceTypes[K]): void {
    for (const { fn, byValue } of this.indexes.values()) {
      for (const value of indexValuesOf(fn, object)) {
        const keys = byValue.get(value);
        keys?.delete(key);
        if (keys?.size === 0) byValue.delete(value);
      }
    }
  }

  private emit(event: InformerEvent<ResourceTypes[K]>): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.options.onError?.(new Error(`listener of ${this.kind} failed on ${event.type} ${event.key}`, { cause: err }));
      }
    }
  }
}

function indexValuesOf<T>(fn: IndexFn<T>, object: T): Iterable<string> {
  const values = fn(object);
  if (values === undefined) return [];
  return typeof values === 'string' ? [values] : values;
}
