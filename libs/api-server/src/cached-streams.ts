import type { KindName } from '@helios/api';
import type { Logger } from '@helios/config';
import type { Etcd3, Informer, Keys, SharedInformers } from '@helios/store';
import { CacheFreshness } from './cache-freshness';
import { SendQueue, type OutboundStream } from './send-queue';
import { startInformer } from './start-informer';

/** A server stream CachedStreams can serve; a grpc-js ServerWritableStream is one. */
export interface ServerStream<M> extends OutboundStream<M> {
  /** The client's address, for the log line of a cut. */
  getPeer(): string;
}

/** What one stream follows in the shared cache, and how the cache becomes its messages. */
export interface CachedStream<K extends KindName, M> {
  /** What the stream follows, for errors and logs: `watching Cells`. */
  what: string;
  /** The kind whose shared informer feeds the stream. */
  kind: K;
  /**
   * The parent whose objects the stream follows ('' for the whole kind): the scope the cache
   * must have caught up on, as a read of etcd sees it, before the stream's first message.
   */
  parent: string;
  /** Fields of the log line of a cut, besides the peer and what was pending: `{ kind, parent }`. */
  logFields?: Record<string, unknown>;
  /** Subscribes to the informer, queueing the changes the client should see; returns the unsubscribe. */
  subscribe(informer: Informer<K>, queue: SendQueue<M>): () => void;
  /**
   * Queues the stream's first messages from the cache (SendQueue.sendSnapshot, or send). Called
   * right after subscribe, in the same tick: every change the cache holds then is in the
   * snapshot, and every later one reaches the subscription.
   */
  snapshot(informer: Informer<K>, queue: SendQueue<M>): void;
}

/** Options of CachedStreams. */
export interface CachedStreamsOptions {
  /** The process's etcd client and keys, for the keys-only read that checks the cache is fresh. */
  client: Etcd3;
  keys: Keys;
  /** The process's one cache: one informer per kind, shared by every stream and controller. */
  informers: SharedInformers;
  logger: Logger;
  /** Bytes a client may fall behind by before its stream is cut with RESOURCE_EXHAUSTED (see SendQueue). */
  boundBytes: number;
  /** The setting that sets the bound, named in the message of a cut: `--watch-buffer-bytes`. */
  boundSetting?: string;
  /** What a cut client should do, ending the message of its cut (see SendQueueOptions). */
  recovery?: string;
}

/**
 * Serves server streams from the process's shared cache instead of a list and watch of their
 * own, so a thousand streams of a kind cost one etcd watch and one copy of its objects. Each
 * stream:
 * 1. starts the kind's informer (UNAVAILABLE when etcd cannot be listed);
 * 2. waits until the cache holds every write etcd had committed in its scope when it opened
 *    (CacheFreshness), so a client sees what it wrote just before;
 * 3. subscribes and takes its snapshot in one step, then sends through a bounded SendQueue until
 *    the client goes, the server ends it (endAll), or the client falls behind past the bound and
 *    the stream fails with RESOURCE_EXHAUSTED.
 * One instance per process and server: endAll ends every stream it serves.
 */
export class CachedStreams {
  private readonly open = new Set<SendQueue<unknown>>();
  private readonly freshness: CacheFreshness;

  constructor(private readonly options: CachedStreamsOptions) {
    this.freshness = new CacheFreshness(options.client, options.keys, options.logger);
  }

  /** Serves one stream; resolves when it is over, rejects with the ApiError it ended with. */
  async serve<K extends KindName, M>(call: ServerStream<M>, stream: CachedStream<K, M>): Promise<void> {
    const { what, kind, parent } = stream;
    const queue = new SendQueue(call, {
      boundBytes: this.options.boundBytes,
      boundSetting: this.options.boundSetting,
      recovery: this.options.recovery,
      what,
      onCut: (pending) => this.options.logger.warn({ ...stream.logFields, peer: call.getPeer(), ...pending }, `${what}: client fell behind; stream cut`),
    });
    this.open.add(queue);
    try {
      const informer = this.options.informers.informer(kind);
      await startInformer(informer, what);
      await Promise.race([this.freshness.reach(informer, kind, parent, what), queue.done]);
      if (queue.closed) return;
      const unsubscribe = stream.subscribe(informer, queue);
      try {
        stream.snapshot(informer, queue);
        await queue.done;
      } finally {
        unsubscribe();
      }
    } finally {
      this.open.delete(queue);
    }
  }

  /** Ends every open stream with status OK once what it queued has gone out (server shutdown). */
  endAll(): void {
    for (const queue of this.open) queue.end();
  }
}
