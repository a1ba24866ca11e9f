import type { ServerWritableStream } from '@grpc/grpc-js';
import { EventType, metaOf, Resource, wrap, type AnyResource, type KindName, type WatchEvent, type WatchRequest } from '@helios/api';
import { CachedStreams, changedAfter, filterChange, inScope, listScope, matchesSelector } from '@helios/api-server';
import { Inject, Injectable } from '@nestjs/common';
import { collectionTarget } from './request-target';

// A watch event's bytes besides its resource: the event type, the resourceVersion and the
// resource field's tag and length, at most 2 + 11 + 6 bytes.
const EVENT_FRAMING_BYTES = 19;

/**
 * Watch: streams changes of a kind until the client cancels or the server stops, from the
 * process's shared cache (one etcd watch per kind however many streams), once that cache holds
 * every write committed when the stream opened. With send_initial_events the current objects
 * come first as ADDED. With a resource_version (and no initial events), objects changed after it
 * are sent as MODIFIED first, and no change at or before it follows; deletions before the watch
 * began are not replayed. A client that falls behind by more than --watch-buffer-bytes is cut
 * with RESOURCE_EXHAUSTED (see CachedStreams).
 */
@Injectable()
export class ResourceWatch {
  /** Encoded size of a watch event by the cached object it carries (see eventBytes). */
  private readonly encodedSizes = new WeakMap<AnyResource, number>();

  constructor(@Inject(CachedStreams) private readonly streams: CachedStreams) {}

  /** Streams until the client cancels or the server stops; an invalid request rejects, never throws. */
  async watch(call: ServerWritableStream<WatchRequest, WatchEvent>): Promise<void> {
    const request = call.request;
    const { kind, parent, info } = collectionTarget(request.kind, request.parent, request.labelSelector);
    const selector = request.labelSelector ?? {};
    const event = (type: EventType, object: AnyResource): WatchEvent => ({ type, resource: wrap(kind, object), resourceVersion: metaOf(object).resourceVersion });
    await this.streams.serve(call, {
      what: `watching ${info.display}s`,
      kind,
      parent,
      logFields: { kind, parent },
      subscribe: (informer, queue) =>
        informer.on((change) => {
          if (!inScope(kind, parent, change.object) || !changedAfter(change, request.sendInitialEvents ? 0 : request.resourceVersion)) return;
          const shown = filterChange(change, selector);
          if (shown) queue.send(event(shown.type, shown.object), this.eventBytes(kind, shown.object));
        }),
      snapshot: (informer, queue) => {
        const initial = listScope(informer, kind, parent).filter((item) => matchesSelector(metaOf(item).labels, selector));
        if (request.sendInitialEvents) queue.sendSnapshot(initial.map((item) => event(EventType.EVENT_TYPE_ADDED, item)));
        else if (request.resourceVersion > 0) {
          queue.sendSnapshot(initial.filter((item) => metaOf(item).resourceVersion > request.resourceVersion).map((item) => event(EventType.EVENT_TYPE_MODIFIED, item)));
        }
      },
    });
  }

  /**
   * The encoded size of a watch event of this object, computed once per object version: every
   * stream of the kind sends the same cached object.
   */
  private eventBytes(kind: KindName, object: AnyResource): number {
    let bytes = this.encodedSizes.get(object);
    if (bytes === undefined) {
      bytes = Resource.encode(wrap(kind, object)).finish().length + EVENT_FRAMING_BYTES;
      this.encodedSizes.set(object, bytes);
    }
    return bytes;
  }
}
