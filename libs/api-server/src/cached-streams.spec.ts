import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { Cell, metaOf } from '@helios/api';
import { createLogger } from '@helios/config';
import { waitFor } from '@helios/launcher';
import { connectEtcd, Keys, ResourceStore, SharedInformers } from '@helios/store';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { ApiError } from './api-error';
import { CachedStreams, type CachedStream, type ServerStream } from './cached-streams';

const client = connectEtcd(inject('etcdEndpoint'));
afterAll(() => client.close());

/** A server stream whose transport flushes every write at once, or none while `reading` is false. */
class FakeStream extends EventEmitter implements ServerStream<string> {
  cancelled = false;
  writableEnded = false;
  readonly written: string[] = [];

  constructor(private readonly reading = true) {
    super();
  }

  write(message: string, callback: () => void): boolean {
    this.written.push(message);
    if (this.reading) queueMicrotask(callback);
    return this.reading;
  }

  end(): void {
    this.writableEnded = true;
  }

  getPeer(): string {
    return 'ipv4:127.0.0.1:1';
  }
}

/** A stream of cell names: the snapshot as `snapshot <name>`, then each change as `<type> <name>`, 60 bytes each. */
const cellNames: CachedStream<'cell', string> = {
  what: 'watching Cells',
  kind: 'cell',
  parent: '',
  logFields: { kind: 'cell' },
  subscribe: (informer, queue) => informer.on((event) => queue.send(`${event.type} ${metaOf(event.object).name}`, 60)),
  snapshot: (informer, queue) => queue.sendSnapshot(informer.list().map((cell) => `snapshot ${metaOf(cell).name}`)),
};

describe('CachedStreams', () => {
  let store: ResourceStore;
  let informers: SharedInformers;
  let streams: CachedStreams;
  beforeEach(() => {
    const keys = new Keys(`/t/${randomUUID()}/helios/v1`);
    store = new ResourceStore(client, keys);
    informers = new SharedInformers(client, keys);
    streams = new CachedStreams({ client, keys, informers, logger: createLogger('test', 'silent'), boundBytes: 100, boundSetting: '--test-bound' });
  });
  afterEach(() => informers.stop());

  it('serves the snapshot, then the changes, from the shared cache, until endAll ends the stream with OK', async () => {
    await store.create('cell', Cell.fromPartial({ metadata: { name: 'c1' } }));
    const stream = new FakeStream();
    const served = streams.serve(stream, cellNames);
    await waitFor('snapshot sent', () => stream.written.length === 1);
    expect(stream.written).toEqual(['snapshot c1']);
    await store.create('cell', Cell.fromPartial({ metadata: { name: 'c2' } }));
    await waitFor('change sent', () => stream.written.length === 2);
    expect(stream.written).toEqual(['snapshot c1', 'added c2']);
    streams.endAll();
    await expect(served).resolves.toBeUndefined();
    expect(stream.writableEnded).toBe(true);
  });

  it('fails a stream whose client stops reading with RESOURCE_EXHAUSTED once it falls behind past the bound', async () => {
    const stream = new FakeStream(false);
    let subscribed = false;
    // Its failure is taken at once: the cut may come before the second create returns.
    const failure = streams
      .serve(stream, {
        ...cellNames,
        subscribe: (informer, queue) => {
          subscribed = true;
          return cellNames.subscribe(informer, queue);
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    // Subscribed, and its snapshot (empty) taken in the same tick: every write from here is a change.
    await waitFor('stream subscribed', () => subscribed);
    await store.create('cell', Cell.fromPartial({ metadata: { name: 'c1' } }));
    await store.create('cell', Cell.fromPartial({ metadata: { name: 'c2' } }));
    const err = await failure;
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(status.RESOURCE_EXHAUSTED);
    expect((err as ApiError).message).toBe(
      "watching Cells: this client fell 2 messages (120 bytes) behind, past the server's bound of 100 bytes (--test-bound); read faster, or open the stream again",
    );
    expect(stream.written).toEqual(['added c1']);
  });
});
