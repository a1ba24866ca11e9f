import type { KindName, ResourceTypes } from '@helios/api';
import type { Etcd3 } from 'etcd3';
import { Informer, type IndexFn } from './informer';
import { KeyInformer, type InformerErrorListener } from './key-informer';
import type { Keys } from './keys';
import { STANDARD_INDEXES } from './standard-indexes';

/** Options of a SharedInformers. */
export interface SharedInformersOptions {
  /** Called for problems an informer recovers from on its own (compaction, undecodable values). */
  onError?: InformerErrorListener;
}

/** Either kind of informer a SharedInformers hands out. */
export type AnyInformer = Informer<KindName> | KeyInformer;

/**
 * The one cache of a process: one informer per etcd prefix, shared by every controller and API
 * stream that reads it, so a process holds one etcd watch per prefix however many readers it has
 * (as the Kubernetes API server's watch cache does). Informers of resources carry the standard
 * indexes (`byCell`, `byNode`, `byPool`, `byDeployment`; see standard-indexes.ts).
 *
 * Informers are created on first ask and started by `sync()`; they run until `stop()`.
 */
export class SharedInformers {
  private readonly informers = new Map<string, AnyInformer>();
  private stopped = false;

  constructor(
    private readonly client: Etcd3,
    readonly keys: Keys,
    private readonly options: SharedInformersOptions = {},
  ) {}

  /** The informer of a kind (of all of it, or of one cell's / deployment's part). */
  informer<K extends KindName>(kind: K, parent?: string): Informer<K> {
    const prefix = this.keys.prefix(kind, parent);
    let informer = this.informers.get(prefix);
    if (!informer) {
      this.assertOpen();
      const indexes = STANDARD_INDEXES[kind] as Record<string, IndexFn<ResourceTypes[K]>>;
      informer = new Informer(this.client, this.keys, kind, { parent, indexes, onError: this.options.onError }) as unknown as Informer<KindName>;
      this.informers.set(prefix, informer);
    }
    return informer as unknown as Informer<K>;
  }

  /** The informer of raw keys under a prefix (heartbeats, agents, load reports). */
  keyInformer(prefix: string): KeyInformer {
    let informer = this.informers.get(prefix);
    if (!informer) {
      this.assertOpen();
      informer = new KeyInformer(this.client, prefix, { onError: this.options.onError });
      this.informers.set(prefix, informer);
    }
    if (!(informer instanceof KeyInformer)) throw new Error(`${prefix} is followed by a resource informer, not a key informer`);
    return informer;
  }

  /**
   * Starts every informer asked for so far and brings those already running up to date (a list
   * each, reporting only what changed); resolves once every cache is at least as fresh as the
   * moment of the call. A new leadership term calls this before its first decision.
   */
  async sync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.resync()));
  }

  /** Starts the informers asked for so far that have not started; leaves running ones alone. */
  async start(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.start()));
  }

  /** The informers whose prefix holds `key`: whose caches must reach a write to it. */
  covering(key: string): AnyInformer[] {
    const found: AnyInformer[] = [];
    for (const [prefix, informer] of this.informers) if (key.startsWith(prefix)) found.push(informer);
    return found;
  }

  /** The etcd prefixes followed: one watch each. */
  get prefixes(): string[] {
    return [...this.informers.keys()];
  }

  /** Stops every informer (before the client is closed). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
  }

  private assertOpen(): void {
    if (this.stopped) throw new Error('the shared informers are stopped');
  }
}
