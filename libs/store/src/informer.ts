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

/** Options of an Informer. */
export interface InformerOptions {
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

  constructor(
    client: Etcd3,
    private readonly keys: Keys,
    private readonly kind: K,
    private readonly options: InformerOptions = {},
  ) {
    this.raw = new KeyInformer(client, keys.prefix(kind, options.parent), { onError: options.onError });
    this.raw.on((event) => this.onKeyEvent(event));
  }

  /**
   * Lists into the cache and starts watching; resolves once the cache holds the list. Listeners
   * subscribed before start() receive an 'added' event for every listed object.
   */
  start(): Promise<void> {
    return this.raw.start();
  }

  /** Every cached object, in no particular order. */
  list(): ResourceTypes[K][] {
    return [...this.cache.values()];
  }

  /** The cached object of that name (and parent, for pools, nodes and replicas). */
  get(name: string, parent?: string): ResourceTypes[K] | undefined {
    return this.cache.get(this.keys.resource(this.kind, name, parent ?? this.options.parent));
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
        this.emit({ type: 'deleted', key: event.key, object: previous });
      }
      return;
    }
    this.cache.set(event.key, object);
    this.emit(previous ? { type: 'modified', key: event.key, object, previous } : { type: 'added', key: event.key, object });
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
