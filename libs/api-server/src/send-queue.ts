import { status } from '@grpc/grpc-js';
import { FifoQueue } from '@helios/config';
import { ApiError } from './api-error';
import { sendBufferVerdict } from './send-buffer';

/** The part of a grpc-js server stream a SendQueue writes to; a ServerWritableStream is one. */
export interface OutboundStream<M> {
  readonly cancelled: boolean;
  readonly writableEnded: boolean;
  write(message: M, callback: (error?: Error | null) => void): boolean;
  end(): void;
  on(event: 'drain' | 'cancelled' | 'finish' | 'close' | 'error', listener: () => void): unknown;
}

/** Options of a SendQueue. */
export interface SendQueueOptions {
  /** Bytes a client may fall behind by before its stream is cut (`--watch-buffer-bytes`). */
  boundBytes: number;
  /** What the stream follows, for the message of a cut stream: `watching Cells`. */
  what: string;
  /** The setting that sets the bound, named in the message of a cut stream: `--watch-buffer-bytes`. */
  boundSetting?: string;
  /** What a cut client should do, ending the message of its cut (default: read faster, or open the stream again). */
  recovery?: string;
  /** Told when a stream is cut, for the log. */
  onCut?: (pending: { bytes: number; messages: number }) => void;
}

interface Queued<M> {
  message: M;
  /** 0 for the snapshot's messages, which are not counted against the bound. */
  bytes: number;
}

const DEFAULT_RECOVERY = 'read faster, or open the stream again';

/**
 * The send side of one server stream, with a bounded backlog. grpc-js buffers every write it is
 * given without limit and cannot take one back, so it is handed messages only while its own
 * buffer has room (write() returning true; then its 'drain') and the rest wait here. Both count,
 * in bytes, until the transport has flushed them: a client that falls behind by more than the
 * bound (it stopped reading, or reads slower than the changes come) has its stream cut with
 * RESOURCE_EXHAUSTED and what waited here dropped, so it costs the server at most the bound and
 * the others nothing.
 *
 * The initial snapshot is not counted: its objects are the shared cache's, held anyway, and it
 * goes out at the pace the client reads; changes that arrive meanwhile queue behind it, counted.
 * `done` resolves when the stream is over and rejects with the ApiError of a cut.
 */
export class SendQueue<M> {
  readonly done: Promise<void>;
  private snapshot: Iterator<M> | undefined;
  /** Messages waiting for the transport; a sent one (and the object it carries) is not held. */
  private readonly queue = new FifoQueue<Queued<M>>();
  /** Counted messages not yet flushed by the transport: queued here, or handed to it. */
  private pendingBytes = 0;
  private pendingMessages = 0;
  /** Messages handed to the transport and not yet flushed. */
  private inFlight = 0;
  /** The transport's own buffer is full (write() said so): wait for its 'drain'. */
  private full = false;
  private ending = false;
  private over = false;
  private resolve!: () => void;
  private reject!: (err: ApiError) => void;

  constructor(
    private readonly call: OutboundStream<M>,
    private readonly options: SendQueueOptions,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A cut with nobody awaiting `done` yet must not surface as an unhandled rejection.
    this.done.catch(() => undefined);
    for (const event of ['cancelled', 'finish', 'close', 'error'] as const) call.on(event, () => this.finish());
    call.on('drain', () => {
      this.full = false;
      this.pump();
    });
    if (call.cancelled || call.writableEnded) this.finish();
  }

  /** True once the stream is over (client gone, ended or cut): nothing more is sent. */
  get closed(): boolean {
    return this.over;
  }

  /** Sends these messages before any other, as fast as the client reads them, uncounted. */
  sendSnapshot(messages: Iterable<M>): void {
    if (this.over || this.ending) return;
    this.snapshot = messages[Symbol.iterator]();
    this.pump();
  }

  /** Queues one message of `bytes` (its encoded size); cuts the stream when that puts it past the bound. */
  send(message: M, bytes: number): void {
    if (this.over || this.ending) return;
    this.queue.push({ message, bytes });
    this.pendingBytes += bytes;
    this.pendingMessages += 1;
    if (sendBufferVerdict({ bytes: this.pendingBytes, messages: this.pendingMessages }, this.options.boundBytes) === 'cut') {
      this.cut();
      return;
    }
    this.pump();
  }

  /** Ends the stream with status OK once everything queued so far has gone out (server shutdown). */
  end(): void {
    if (this.over || this.ending) return;
    this.ending = true;
    this.pump();
  }

  private pump(): void {
    while (!this.over && !this.full) {
      const next = this.next();
      if (!next) break;
      this.inFlight += 1;
      // grpc-js calls back once the transport has flushed the message (the client's flow-control
      // window let it through), or with an error when the stream broke.
      this.full = !this.call.write(next.message, () => this.flushed(next.bytes));
    }
    if (this.ending && !this.over && this.inFlight === 0 && this.isEmpty()) {
      this.over = true;
      if (!this.call.writableEnded) this.call.end();
      this.resolve();
    }
  }

  private flushed(bytes: number): void {
    this.inFlight -= 1;
    if (bytes > 0) {
      this.pendingBytes -= bytes;
      this.pendingMessages -= 1;
    }
    this.pump();
  }

  private next(): Queued<M> | undefined {
    if (this.snapshot) {
      const item = this.snapshot.next();
      if (!item.done) return { message: item.value, bytes: 0 };
      this.snapshot = undefined;
    }
    return this.queue.shift();
  }

  private isEmpty(): boolean {
    return !this.snapshot && this.queue.length === 0;
  }

  private cut(): void {
    const pending = { bytes: this.pendingBytes, messages: this.pendingMessages };
    const setting = this.options.boundSetting ? ` (${this.options.boundSetting})` : '';
    this.drop();
    this.options.onCut?.(pending);
    this.reject(
      new ApiError(
        status.RESOURCE_EXHAUSTED,
        `${this.options.what}: this client fell ${pending.messages} messages (${pending.bytes} bytes) behind, past the server's bound of ${this.options.boundBytes} bytes${setting}; ${this.options.recovery ?? DEFAULT_RECOVERY}`,
      ),
    );
  }

  private finish(): void {
    if (this.over) return;
    this.drop();
    this.resolve();
  }

  private drop(): void {
    this.over = true;
    this.snapshot = undefined;
    this.queue.drain();
  }
}
