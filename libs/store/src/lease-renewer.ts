import type { Etcd3, IDuplexStream, ILeaseKeepAliveRequest, ILeaseKeepAliveResponse } from 'etcd3';
import { FifoQueue } from '@helios/config';
import type { EtcdLeaderClient } from './etcd-leader-client';

/** Options of a LeaseRenewer. */
export interface LeaseRenewerOptions {
  /** Number of LeaseKeepAlive streams the renewals are spread over (default 4). */
  streams?: number;
  /** How long a renewal waits for a stream to open before it fails, ms (default 2,000). */
  waitForStreamMs?: number;
  /** Called for problems the renewer recovers from on its own (a broken stream); default: ignored. */
  onError?: (err: Error) => void;
  /**
   * Opens the streams on the etcd leader (and moves them when it changes) rather than on any
   * member: a follower forwards every renewal to the leader, one round trip at a time per stream.
   */
  leader?: EtcdLeaderClient;
}

// How often the streams' member is compared with the current leader (with `leader`): a stream
// left on a follower (opened while no leader was known, e.g. during an etcd restart) pays a peer
// round trip per renewal until it moves. The leader client caches its answer (5 s by default).
const LEADER_RECHECK_MS = 1_000;

type KeepAliveStream = IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse>;

/** One renewal waiting for etcd's answer. */
interface Pending {
  id: string;
  resolve: (ttl: number) => void;
  reject: (err: Error) => void;
}

// Stream reopen back-off, as LeasePool's: 100 ms doubling to 1 s, reset by the first answer.
const REOPEN_MIN_MS = 100;
const REOPEN_MAX_MS = 1_000;

/** One LeaseKeepAlive stream and the renewals it has sent and not yet had answered, in order. */
class RenewSlot {
  stream: KeepAliveStream | undefined;
  /** The client the stream was opened on (with `leader`: the leader's, or the fallback). */
  client: Etcd3 | undefined;
  state: 'idle' | 'opening' | 'open' | 'backoff' = 'idle';
  /** Renewals sent on the stream and not yet answered, oldest first (etcd answers in order). */
  readonly queue = new FifoQueue<Pending>();
  reopenDelay = REOPEN_MIN_MS;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Sends single keep-alives of leases someone else holds (the node gateway forwards each of a
 * node's keep-alives as one renewal) over a few shared LeaseKeepAlive streams, and hands back
 * etcd's answer: the lease's remaining TTL, 0 when etcd says it is gone. Unlike LeasePool it
 * keeps nothing alive on its own and never revokes: a lease lives exactly as long as its holder
 * keeps asking.
 *
 * etcd serves each stream one request at a time and answers in order, so the answers of a
 * stream are matched to its renewals first in, first out. A broken stream fails its unanswered
 * renewals (the holder asks again at its next interval) and is reopened with back-off.
 */
export class LeaseRenewer {
  private readonly slots: RenewSlot[];
  /** Renewals asked for while no stream was open, sent as soon as one is. */
  private waiting: { pending: Pending; timer: NodeJS.Timeout }[] = [];
  private roundRobin = 0;
  private closed = false;
  private readonly leaderTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly options: LeaseRenewerOptions = {},
  ) {
    const streams = options.streams ?? 4;
    if (!Number.isInteger(streams) || streams < 1) throw new Error(`LeaseRenewer needs at least one stream, got ${streams}`);
    this.slots = Array.from({ length: streams }, () => new RenewSlot());
    const leader = options.leader;
    if (leader) {
      // A leader move closes the old leader's client, which breaks the streams on it; they reopen
      // on the new one.
      this.leaderTimer = setInterval(() => void this.followLeader(leader), LEADER_RECHECK_MS);
      this.leaderTimer.unref();
    }
  }

  /**
   * Sends one keep-alive of lease `id` (decimal) and resolves with the TTL etcd answered, in
   * seconds: 0 means the lease is gone (expired or revoked). Rejects when no stream to etcd
   * could carry it.
   */
  renewOnce(id: string): Promise<number> {
    if (this.closed) return Promise.reject(new Error(`renewing lease ${id}: the renewer is closed`));
    return new Promise<number>((resolve, reject) => {
      const pending: Pending = { id, resolve, reject };
      if (this.send(pending)) return;
      const waitMs = this.options.waitForStreamMs ?? 2_000;
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((entry) => entry.pending !== pending);
        reject(new Error(`renewing lease ${id}: no keep-alive stream to etcd opened within ${waitMs} ms`));
      }, waitMs);
      this.waiting.push({ pending, timer });
      this.ensureStreams();
    });
  }

  /** Closes every stream; renewals not yet answered fail. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.leaderTimer);
    const reason = new Error('the lease renewer closed before etcd answered');
    for (const { pending, timer } of this.waiting.splice(0)) {
      clearTimeout(timer);
      pending.reject(reason);
    }
    for (const slot of this.slots) {
      clearTimeout(slot.timer);
      const stream = slot.stream;
      slot.stream = undefined;
      slot.state = 'idle';
      for (const pending of slot.queue.drain()) pending.reject(reason);
      if (stream) closeStream(stream);
    }
  }

  private send(pending: Pending): boolean {
    for (let tries = 0; tries < this.slots.length; tries++) {
      const slot = this.slots[this.roundRobin++ % this.slots.length]!;
      if (slot.state !== 'open' || !slot.stream) continue;
      slot.queue.push(pending);
      slot.stream.write({ ID: pending.id });
      return true;
    }
    return false;
  }

  private onAnswer(slot: RenewSlot, res: ILeaseKeepAliveResponse): void {
    slot.reopenDelay = REOPEN_MIN_MS;
    // In order: the head is the renewal this answers. One that does not match was lost by etcd
    // (never seen yet); fail it rather than give it another lease's answer.
    for (let entry = slot.queue.shift(); entry; entry = slot.queue.shift()) {
      if (entry.id === res.ID) {
        entry.resolve(Number(res.TTL));
        return;
      }
      entry.reject(new Error(`renewing lease ${entry.id}: etcd answered lease ${res.ID} in its place`));
    }
  }

  private ensureStreams(): void {
    if (this.closed) return;
    for (const slot of this.slots) if (slot.state === 'idle') this.open(slot);
  }

  private open(slot: RenewSlot): void {
    slot.state = 'opening';
    const client = this.options.leader ? this.options.leader.current() : Promise.resolve(this.client);
    client.then(
      (on) =>
        on.leaseClient.leaseKeepAlive().then(
          (stream) => this.opened(slot, stream, on),
          (err: Error) => this.onBroken(slot, err),
        ),
      (err: Error) => this.onBroken(slot, err),
    );
  }

  private opened(slot: RenewSlot, stream: KeepAliveStream, on: Etcd3): void {
    if (this.closed) {
      closeStream(stream);
      return;
    }
    slot.stream = stream;
    slot.client = on;
    slot.state = 'open';
    stream.on('data', (res) => {
      if (slot.stream === stream) this.onAnswer(slot, res);
    });
    const broken = (err: Error) => {
      if (slot.stream === stream) this.onBroken(slot, err);
    };
    stream.on('error', broken);
    stream.on('end', () => broken(new Error('stream ended by etcd')));
    this.flushWaiting();
  }


  /**
   * Moves one open stream that is not on the current leader's client there (opened while no
   * leader was known, or left on a member that lost leadership). One stream per check, never all
   * at once: a move fails the renewals in flight on that stream, and their holders ask again at
   * their next interval; moving every stream at once would leave every node unanswered together.
   */
  private async followLeader(leader: EtcdLeaderClient): Promise<void> {
    const current = await leader.current();
    if (this.closed) return;
    const slot = this.slots.find((s) => s.state === 'open' && s.stream && s.client !== current);
    if (!slot) return;
    const stream = slot.stream!;
    slot.stream = undefined;
    slot.client = undefined;
    slot.state = 'idle';
    closeStream(stream);
    for (const pending of slot.queue.drain()) pending.reject(new Error(`renewing lease ${pending.id}: the keep-alive stream moved to the etcd leader`));
    this.open(slot);
  }

  private flushWaiting(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const entry of waiting) {
      if (this.send(entry.pending)) clearTimeout(entry.timer);
      else this.waiting.push(entry);
    }
  }

  private onBroken(slot: RenewSlot, err: Error): void {
    if (this.closed) return;
    const stream = slot.stream;
    slot.stream = undefined;
    slot.state = 'backoff';
    if (stream) closeStream(stream);
    this.options.leader?.invalidate();
    this.options.onError?.(new Error(`lease keep-alive stream broke; reopening in ${slot.reopenDelay} ms`, { cause: err }));
    // Failed rather than sent again: its holder asks again within its interval (a third of the
    // TTL), and an answer that arrives late is worth less than the holder's next question.
    for (const pending of slot.queue.drain()) pending.reject(new Error(`renewing lease ${pending.id}: the keep-alive stream to etcd broke`, { cause: err }));
    slot.timer = setTimeout(() => {
      slot.state = 'idle';
      this.open(slot);
    }, slot.reopenDelay);
    slot.reopenDelay = Math.min(slot.reopenDelay * 2, REOPEN_MAX_MS);
  }
}

/** Ends, then cancels, a keep-alive stream (see LeasePool's closeStream: etcd3's breaker). */
function closeStream(stream: KeepAliveStream): void {
  stream.on('error', () => undefined);
  stream.end();
  stream.cancel();
}
