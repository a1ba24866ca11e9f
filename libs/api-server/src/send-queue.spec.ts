import { EventEmitter } from 'node:events';
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { SendQueue, type OutboundStream } from './send-queue';

/**
 * A stream whose transport flushes only when the test says so, as a client's reads would, and
 * buffers two messages before write() says to wait for 'drain' (grpc-js buffers 16).
 */
class FakeStream extends EventEmitter implements OutboundStream<string> {
  cancelled = false;
  writableEnded = false;
  readonly written: string[] = [];
  private readonly unflushed: (() => void)[] = [];
  private needDrain = false;

  write(message: string, callback: () => void): boolean {
    this.written.push(message);
    this.unflushed.push(callback);
    this.needDrain = this.unflushed.length >= 2;
    return !this.needDrain;
  }

  end(): void {
    this.writableEnded = true;
  }

  /** Lets the transport flush `count` messages, one after another as the client reads them. */
  async flush(count = Infinity): Promise<void> {
    for (let i = 0; i < count && this.unflushed.length > 0; i++) {
      this.unflushed.shift()!();
      if (this.unflushed.length === 0 && this.needDrain) {
        this.needDrain = false;
        this.emit('drain');
      }
      await Promise.resolve();
    }
  }
}

const bound = 100;

describe('SendQueue', () => {
  it('sends the snapshot first, then the changes, as fast as the transport takes them', async () => {
    const stream = new FakeStream();
    const queue = new SendQueue(stream, { boundBytes: bound, what: 'watching Cells' });
    queue.sendSnapshot(['s1', 's2', 's3']);
    queue.send('c1', 10);
    expect(stream.written).toEqual(['s1', 's2']);
    await stream.flush(2);
    expect(stream.written).toEqual(['s1', 's2', 's3', 'c1']);
    queue.send('c2', 10);
    await stream.flush();
    expect(stream.written).toEqual(['s1', 's2', 's3', 'c1', 'c2']);
    expect(queue.closed).toBe(false);
  });

  it('does not count the snapshot against the bound', async () => {
    const stream = new FakeStream();
    const queue = new SendQueue(stream, { boundBytes: bound, what: 'watching Cells' });
    const snapshot = Array.from({ length: 50 }, (_, i) => `s${i}`);
    queue.sendSnapshot(snapshot);
    // A change while the snapshot is still going out waits behind it, counted alone.
    queue.send('c1', 60);
    await stream.flush();
    expect(stream.written).toEqual([...snapshot, 'c1']);
    expect(queue.closed).toBe(false);
  });

  it('cuts a client that falls behind past the bound with RESOURCE_EXHAUSTED and drops what waited', async () => {
    const stream = new FakeStream();
    const cuts: { bytes: number; messages: number }[] = [];
    const queue = new SendQueue(stream, {
      boundBytes: bound,
      what: 'watching Cells',
      boundSetting: '--watch-buffer-bytes',
      recovery: "read faster, or list again and watch from the list's resourceVersion",
      onCut: (pending) => cuts.push(pending),
    });
    queue.send('c1', 40);
    queue.send('c2', 40);
    expect(queue.closed).toBe(false);
    queue.send('c3', 40);
    expect(queue.closed).toBe(true);
    const err = await queue.done.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(status.RESOURCE_EXHAUSTED);
    expect((err as ApiError).message).toBe(
      "watching Cells: this client fell 3 messages (120 bytes) behind, past the server's bound of 100 bytes (--watch-buffer-bytes); read faster, or list again and watch from the list's resourceVersion",
    );
    expect(cuts).toEqual([{ bytes: 120, messages: 3 }]);
    // Only what the transport already held went out; nothing more is sent, even once it reads.
    await stream.flush();
    queue.send('c4', 1);
    expect(stream.written).toEqual(['c1', 'c2']);
  });

  it('ends the message of a cut with the default recovery when the stream names none', async () => {
    const queue = new SendQueue(new FakeStream(), { boundBytes: bound, what: 'watching assignments' });
    queue.send('c1', 60);
    queue.send('c2', 60);
    await expect(queue.done).rejects.toThrow(
      "watching assignments: this client fell 2 messages (120 bytes) behind, past the server's bound of 100 bytes; read faster, or open the stream again",
    );
  });

  it('keeps a client that reads as fast as the changes come', async () => {
    const stream = new FakeStream();
    const queue = new SendQueue(stream, { boundBytes: bound, what: 'watching Cells' });
    for (let i = 0; i < 20; i++) {
      queue.send(`c${i}`, 60);
      await stream.flush();
    }
    expect(stream.written).toHaveLength(20);
    expect(queue.closed).toBe(false);
  });

  it('ends with status OK once what was queued has gone out, and takes nothing after', async () => {
    const stream = new FakeStream();
    const queue = new SendQueue(stream, { boundBytes: bound, what: 'watching Cells' });
    queue.sendSnapshot(['s1']);
    queue.send('c1', 10);
    queue.end();
    queue.send('late', 10);
    expect(stream.writableEnded).toBe(false);
    await stream.flush();
    expect(stream.written).toEqual(['s1', 'c1']);
    expect(stream.writableEnded).toBe(true);
    await expect(queue.done).resolves.toBeUndefined();
  });

  it('stops when the client goes away', async () => {
    const stream = new FakeStream();
    const queue = new SendQueue(stream, { boundBytes: bound, what: 'watching Cells' });
    queue.sendSnapshot(['s1', 's2', 's3']);
    stream.cancelled = true;
    stream.emit('cancelled');
    await expect(queue.done).resolves.toBeUndefined();
    await stream.flush();
    queue.send('c1', 10);
    expect(stream.written).toEqual(['s1', 's2']);
  });
});
