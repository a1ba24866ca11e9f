import { FifoQueue } from '@helios/config';
import { performance } from 'node:perf_hooks';
import { EtcdLeaseInvalidError, type Etcd3, type IDuplexStream, type ILeaseKeepAliveRequest, type ILeaseKeepAliveResponse } from 'etcd3';

/** An etcd lease kept alive by a LeasePool. */
export interface Lease {
  /** etcd lease id as a decimal string (int64 does not fit a JS number). */
  readonly id: string;
  /** TTL in seconds as granted by etcd (it raises TTLs below its minimum). */
  readonly ttl: number;
  /** True once etcd said the lease is gone (a keep-alive answered TTL 0): its keys are gone. */
  readonly lost: boolean;
  /**
   * True while no renewal has been confirmed within the TTL: etcd may have expired the lease, or
   * kept it (it extends leases across its own restarts). Settled by etcd's next answer.
   */
  readonly inDoubt: boolean;
  /** Calls `cb` once if the lease is lost (at once if it already is); returns the unsubscribe. */
  onLost(cb: (reason: Error) => void): () => void;
  /** Stops renewing and revokes the lease: its keys vanish now. */
  revoke(): Promise<void>;
  /** Stops renewing without revoking, as a crash would: etcd expires the lease after its TTL. */
  release(): void;
}

/** Options of a LeasePool. */
export interface LeasePoolOptions {
  /** Number of LeaseKeepAlive streams shared by all leases (default 4). */
  streams?: number;
  /** Called for problems the pool recovers from on its own (a broken stream); default: ignored. */
  onError?: (err: Error) => void;
}

// The scheduler's resolution. A renewal is due every ttl/3 (>= 667 ms for etcd's 2 s minimum), so
// being up to 100 ms late costs nothing, and one wheel slot per 100 ms keeps 10,000 leases at one
// timer instead of 10,000.
const TICK_MS = 100;
// While no stream is open a due renewal is retried this often.
const NO_STREAM_RETRY_MS = 250;
// Stream reopen back-off: 100 ms doubling to 1 s, reset by the first response on the new stream.
// Capped well below the lease TTL (5 s by default): an etcd restart takes about a second, and a
// longer wait would let leases expire on the server after it is back.
const REOPEN_MIN_MS = 100;
const REOPEN_MAX_MS = 1_000;
// A revoke must not hang on a partitioned link.
const REVOKE_DEADLINE_MS = 5_000;

class PooledLease implements Lease {
  lost = false;
  active = true;
  /** Monotonic ms after which etcd may have expired the lease, from the last confirmed renewal. */
  deadline: number;
  /** Wheel tick this lease is next processed at; stale wheel entries are skipped. */
  slot = -1;
  readonly intervalMs: number;
  private readonly lostListeners = new Set<(reason: Error) => void>();

  constructor(
    private readonly pool: LeasePool,
    readonly id: string,
    readonly ttl: number,
    grantedAt: number,
  ) {
    this.intervalMs = (ttl * 1000) / 3;
    this.deadline = grantedAt + ttl * 1000;
  }

  get inDoubt(): boolean {
    return !this.lost && this.active && now() >= this.deadline;
  }

  onLost(cb: (reason: Error) => void): () => void {
    if (this.lost) {
      queueMicrotask(() => cb(new Error(`lease ${this.id} is lost`)));
      return () => undefined;
    }
    this.lostListeners.add(cb);
    return () => this.lostListeners.delete(cb);
  }

  revoke(): Promise<void> {
    return this.pool.revokeLease(this);
  }

  release(): void {
    this.pool.forget(this);
  }

  markLost(reason: Error, report: (err: Error) => void): void {
    this.lost = true;
    this.active = false;
    const listeners = [...this.lostListeners];
    this.lostListeners.clear();
    for (const listener of listeners) {
      try {
        listener(reason);
      } catch (err) {
        report(new Error(`onLost listener of lease ${this.id} failed`, { cause: err }));
      }
    }
  }
}

/** A keep-alive request in flight on one stream, answered in order. */
interface InFlight {
  lease: PooledLease;
  sentAt: number;
}

type KeepAliveStream = IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse>;

/** One of the pool's LeaseKeepAlive streams and the requests it has not answered yet. */
class StreamSlot {
  stream: KeepAliveStream | undefined;
  state: 'idle' | 'opening' | 'open' | 'backoff' = 'idle';
  readonly inFlight = new FifoQueue<InFlight>();
  reopenDelay = REOPEN_MIN_MS;
  timer: NodeJS.Timeout | undefined;

  push(entry: InFlight): void {
    this.inFlight.push(entry);
  }

  /** Takes the oldest request for `id`, dropping older ones etcd can no longer answer. */
  take(id: string): InFlight | undefined {
    for (let entry = this.inFlight.shift(); entry; entry = this.inFlight.shift()) {
      if (entry.lease.id === id) return entry;
    }
    return undefined;
  }

  drain(): InFlight[] {
    return this.inFlight.drain();
  }
}

/**
 * Keeps thousands of etcd leases alive from one process over a few shared LeaseKeepAlive streams
 * (etcd renews any lease id on any stream), instead of a stream and a timer per lease.
 *
 * Each lease is renewed every ttl/3. Its deadline is the send time of the last renewal etcd
 * confirmed plus the TTL etcd answered: a lower bound of when etcd will expire it. A lease is lost
 * only when etcd says so (a keep-alive answered TTL 0). Past its deadline without a confirmed
 * renewal the lease is merely in doubt (`inDoubt`), and renewals go on: etcd extends every lease
 * across its own restart and leader change, so a client that could not reach etcd for a few
 * seconds may well find its lease alive. Declaring it lost (and revoking it) on the local clock
 * would turn an etcd restart into a fleet-wide false failure. A holder that really was cut off
 * learns it when the connection returns and etcd answers TTL 0, and registers again then.
 * A broken stream is reopened with back-off and its unanswered renewals are sent again on the others.
 */
export class LeasePool {
  private readonly leases = new Map<string, PooledLease>();
  private readonly slots: StreamSlot[];
  private readonly wheel = new Map<number, PooledLease[]>();
  private readonly ticker: NodeJS.Timeout;
  private lastTick: number;
  private roundRobin = 0;
  private closed = false;

  constructor(
    private readonly client: Etcd3,
    private readonly options: LeasePoolOptions = {},
  ) {
    const streams = options.streams ?? 4;
    if (!Number.isInteger(streams) || streams < 1) throw new Error(`LeasePool needs at least one stream, got ${streams}`);
    this.slots = Array.from({ length: streams }, () => new StreamSlot());
    this.lastTick = Math.floor(now() / TICK_MS);
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    // The streams keep the process alive while they are open; the ticker alone should not.
    this.ticker.unref();
  }

  /** Number of leases being kept alive. */
  get size(): number {
    return this.leases.size;
  }

  /** Grants a lease of `ttlSeconds` and keeps it alive until it is revoked, released or lost. */
  async grant(ttlSeconds: number): Promise<Lease> {
    if (this.closed) throw new Error('LeasePool is closed');
    const sentAt = now();
    let res;
    try {
      res = await this.client.leaseClient.leaseGrant({ TTL: ttlSeconds });
    } catch (err) {
      throw new Error(`granting a lease of ${ttlSeconds} s failed: ${(err as Error).message}`, { cause: err });
    }
    if (res.error) throw new Error(`granting a lease of ${ttlSeconds} s failed: ${res.error}`);
    const lease = new PooledLease(this, res.ID, Number(res.TTL), sentAt);
    if (this.closed) {
      // Nobody would renew it: hand it back rather than return a lease that silently dies.
      this.client.leaseClient.leaseRevoke({ ID: lease.id }, { deadline: Date.now() + REVOKE_DEADLINE_MS }).catch(() => undefined);
      throw new Error(`LeasePool closed while granting lease ${lease.id}`);
    }
    this.leases.set(lease.id, lease);
    this.schedule(lease, now() + lease.intervalMs);
    this.ensureStreams();
    return lease;
  }

  /** Stops every keep-alive stream. Leases are released, not revoked: etcd expires them. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    for (const lease of this.leases.values()) lease.active = false;
    this.leases.clear();
    this.wheel.clear();
    for (const slot of this.slots) {
      clearTimeout(slot.timer);
      const stream = slot.stream;
      slot.stream = undefined;
      slot.state = 'idle';
      slot.drain();
      if (stream) closeStream(stream);
    }
  }

  /** @internal Stops renewing a lease without revoking it. */
  forget(lease: PooledLease): void {
    lease.active = false;
    if (this.leases.get(lease.id) === lease) this.leases.delete(lease.id);
  }

  /** @internal Stops renewing and revokes; a lease etcd no longer knows counts as revoked. */
  async revokeLease(lease: PooledLease): Promise<void> {
    this.forget(lease);
    try {
      await this.client.leaseClient.leaseRevoke({ ID: lease.id });
    } catch (err) {
      if (err instanceof EtcdLeaseInvalidError) return;
      throw new Error(`revoking lease ${lease.id} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  private schedule(lease: PooledLease, at: number): void {
    const tick = Math.max(Math.ceil(at / TICK_MS), this.lastTick + 1);
    lease.slot = tick;
    const bucket = this.wheel.get(tick);
    if (bucket) bucket.push(lease);
    else this.wheel.set(tick, [lease]);
  }

  private tick(): void {
    const current = Math.floor(now() / TICK_MS);
    // Catch up on every slot since the last run: a blocked event loop delays work, never skips it.
    while (this.lastTick < current && !this.closed) {
      const tick = ++this.lastTick;
      const bucket = this.wheel.get(tick);
      if (!bucket) continue;
      this.wheel.delete(tick);
      for (const lease of bucket) {
        if (lease.active && lease.slot === tick) this.process(lease);
      }
    }
  }

  private process(lease: PooledLease): void {
    const t = now();
    const sent = this.send(lease, t);
    // Before the deadline, renew on schedule (or retry soon without a stream, but no later than
    // the deadline); past it, keep asking at the retry pace until etcd answers either way.
    const next = sent ? t + lease.intervalMs : t + NO_STREAM_RETRY_MS;
    this.schedule(lease, t < lease.deadline ? Math.min(next, lease.deadline) : next);
  }

  private send(lease: PooledLease, sentAt: number): boolean {
    for (let tries = 0; tries < this.slots.length; tries++) {
      const slot = this.slots[this.roundRobin++ % this.slots.length]!;
      if (slot.state !== 'open' || !slot.stream) continue;
      slot.push({ lease, sentAt });
      slot.stream.write({ ID: lease.id });
      return true;
    }
    this.ensureStreams();
    return false;
  }

  private onResponse(slot: StreamSlot, res: ILeaseKeepAliveResponse): void {
    slot.reopenDelay = REOPEN_MIN_MS;
    const request = slot.take(res.ID);
    const lease = this.leases.get(res.ID);
    if (!request || !lease || request.lease !== lease) return;
    const ttl = Number(res.TTL);
    if (ttl <= 0) {
      this.lose(lease, new Error(`lease ${lease.id} is gone: etcd answered TTL 0 (expired or revoked)`));
      return;
    }
    lease.deadline = Math.max(lease.deadline, request.sentAt + ttl * 1000);
  }

  private lose(lease: PooledLease, reason: Error): void {
    this.forget(lease);
    lease.markLost(reason, (err) => this.report(err));
  }

  private ensureStreams(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (slot.state === 'idle') this.open(slot);
    }
  }

  private open(slot: StreamSlot): void {
    slot.state = 'opening';
    this.client.leaseClient.leaseKeepAlive().then(
      (stream) => {
        if (this.closed) {
          closeStream(stream);
          return;
        }
        slot.stream = stream;
        slot.state = 'open';
        stream.on('data', (res) => {
          if (slot.stream === stream) this.onResponse(slot, res);
        });
        const broken = (err: Error) => {
          if (slot.stream === stream) this.onBroken(slot, err);
        };
        stream.on('error', broken);
        stream.on('end', () => broken(new Error('stream ended by etcd')));
      },
      (err: Error) => this.onBroken(slot, err),
    );
  }

  private onBroken(slot: StreamSlot, err: Error): void {
    if (this.closed) return;
    const stream = slot.stream;
    slot.stream = undefined;
    slot.state = 'backoff';
    if (stream) closeStream(stream);
    this.report(new Error(`lease keep-alive stream broke; reopening in ${slot.reopenDelay} ms`, { cause: err }));
    // Renewals etcd never answered are due again at once, on whichever stream is open.
    for (const { lease } of slot.drain()) {
      if (lease.active) this.schedule(lease, now());
    }
    slot.timer = setTimeout(() => {
      slot.state = 'idle';
      if (this.leases.size > 0) this.open(slot);
    }, slot.reopenDelay);
    slot.reopenDelay = Math.min(slot.reopenDelay * 2, REOPEN_MAX_MS);
  }

  private report(err: Error): void {
    this.options.onError?.(err);
  }
}

/**
 * Closes a keep-alive stream without tripping etcd3's circuit breaker: etcd3 counts a CANCELLED
 * error on a still-writable stream as a host failure (three in a row open the breaker and fail
 * every call on the client for 5 s), so the stream is ended before it is cancelled.
 */
function closeStream(stream: KeepAliveStream): void {
  stream.on('error', () => undefined);
  stream.end();
  stream.cancel();
}

function now(): number {
  return performance.now();
}
