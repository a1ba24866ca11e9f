import type { Etcd3, Watcher } from 'etcd3';
import type { Fence } from './fence';
import type { Keys } from './keys';
import { LeasePool, type Lease } from './lease-pool';
import { cancelWatcher } from './watch-cancel';

/** Options of a LeaderElection. */
export interface LeaderElectionOptions {
  /** TTL of the leader's lease in seconds: how long a dead leader keeps the key (default 5). */
  ttl?: number;
  /** Pool that keeps the lease alive; by default the election keeps its own one-stream pool. */
  leases?: LeasePool;
  /** Called for problems the election recovers from on its own (etcd unreachable, ...). */
  onError?: (err: Error) => void;
}

type ElectionEvent = 'elected' | 'lost';

/**
 * Where a candidate stands: not campaigning, trying to create the key, waiting for the current
 * leader's key to go, or leading.
 */
export type ElectionState = 'idle' | 'campaigning' | 'standby' | 'leader';

// Back-off between campaign attempts that failed on an etcd error: 100 ms doubling to 5 s.
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * Elects one leader among the processes of a component through one etcd key.
 *
 * A candidate creates the election key (only if absent: createRevision == 0) on its own lease,
 * with its id as the value. Standbys watch the key and try again when it is deleted, which
 * happens when the leader resigns or its lease expires. The leader's {@link Fence} (key and our
 * key's createRevision) goes with every write it makes, so a deposed leader's writes fail even if
 * it has not noticed yet; this is why no etcd lock is used (they are not safe for mutual
 * exclusion alone).
 */
export class LeaderElection {
  private leader = false;
  private createRevision = 0;
  private lease: Lease | undefined;
  private ownPool: LeasePool | undefined;
  private campaigning: Promise<void> | undefined;
  private resigned = false;
  private wakeStandby: (() => void) | undefined;
  private waiting = false;
  private leaderWatcher: Watcher | undefined;
  private readonly key: string;
  private readonly ttl: number;
  private readonly listeners: Record<ElectionEvent, Set<(reason?: Error) => void>> = { elected: new Set(), lost: new Set() };

  constructor(
    private readonly client: Etcd3,
    keys: Keys,
    /** The component elected for, e.g. `control-plane` or `cell-agent-c1`. */
    readonly component: string,
    /** This candidate's id, stored as the key's value (who leads, for people and logs). */
    readonly id: string,
    private readonly options: LeaderElectionOptions = {},
  ) {
    this.key = keys.election(component);
    this.ttl = options.ttl ?? 5;
  }

  /** True while this candidate holds the election key on a live lease. */
  get isLeader(): boolean {
    return this.leader;
  }

  /** Where this candidate stands now. */
  get state(): ElectionState {
    if (this.leader) return 'leader';
    if (!this.campaigning) return 'idle';
    return this.waiting ? 'standby' : 'campaigning';
  }

  /**
   * Stands for election; resolves once this candidate is the leader. Retries etcd errors with
   * back-off. Rejects only if resign() is called first. After a 'lost', call it again to stand again.
   */
  campaign(): Promise<void> {
    if (this.leader) return Promise.resolve();
    this.resigned = false;
    this.campaigning ??= this.run().finally(() => {
      this.campaigning = undefined;
    });
    return this.campaigning;
  }

  /** The fence every write of this leader carries; throws when not the leader. */
  fence(): Fence {
    if (!this.leader) throw new Error(`${this.id} is not the leader of ${this.component}: no fence to write with`);
    return { key: this.key, createRevision: this.createRevision };
  }

  /**
   * Subscribes to 'elected' (became leader) or 'lost' (lease lost or key deleted; the reason is
   * passed). resign() does not emit 'lost'. Returns the unsubscribe.
   */
  on(event: ElectionEvent, cb: (reason?: Error) => void): () => void {
    this.listeners[event].add(cb);
    return () => this.listeners[event].delete(cb);
  }

  /**
   * Steps down: stops a pending campaign (it rejects), deletes the key if it is still ours and
   * revokes the lease, so a standby takes over at once instead of after the TTL.
   */
  async resign(): Promise<void> {
    this.resigned = true;
    this.wakeStandby?.();
    const wasLeader = this.leader;
    const createRevision = this.createRevision;
    this.leader = false;
    this.createRevision = 0;
    await this.stopLeaderWatch();
    const lease = this.lease;
    this.lease = undefined;
    try {
      if (wasLeader) {
        await this.client.kv.txn({
          compare: [{ key: Buffer.from(this.key), target: 'Create', result: 'Equal', create_revision: createRevision }],
          success: [{ request_delete_range: { key: Buffer.from(this.key) } }],
          failure: [],
        });
      }
      await lease?.revoke();
    } catch (err) {
      throw new Error(`${this.id} resigning from ${this.component}: ${(err as Error).message}`, { cause: err });
    } finally {
      this.ownPool?.close();
      this.ownPool = undefined;
    }
  }

  private async run(): Promise<void> {
    let delay = RETRY_MIN_MS;
    while (!this.resigned) {
      try {
        if (await this.attempt()) return;
        delay = RETRY_MIN_MS;
      } catch (err) {
        this.report(new Error(`${this.id} campaigning for ${this.component}: ${(err as Error).message}; retrying in ${delay} ms`, { cause: err }));
        await this.sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
    throw new Error(`campaign of ${this.id} for ${this.component} cancelled by resign()`);
  }

  /** One try: true when elected; otherwise returns once the current leader's key is gone. */
  private async attempt(): Promise<boolean> {
    const lease = await this.currentLease();
    const key = Buffer.from(this.key);
    const res = await this.client.kv.txn({
      compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key, value: Buffer.from(this.id), lease: lease.id } }],
      failure: [{ request_range: { key } }],
    });
    if (res.succeeded && (this.resigned || lease.lost)) {
      // Resigned (or lost the lease) while the txn was in flight: give the key back at once.
      lease.revoke().catch((err: unknown) => this.report(err as Error));
      return false;
    }
    if (this.resigned) return false;
    if (res.succeeded) {
      this.leader = true;
      this.createRevision = Number(res.header.revision);
      this.watchOwnKey(this.createRevision);
      this.emit('elected');
      return true;
    }
    if (!res.responses[0]?.response_range?.kvs?.[0]) return false;
    this.waiting = true;
    try {
      await this.waitForDeletion(Number(res.header.revision) + 1);
    } finally {
      this.waiting = false;
    }
    return false;
  }

  private async currentLease(): Promise<Lease> {
    if (this.lease && !this.lease.lost) return this.lease;
    const pool = this.options.leases ?? (this.ownPool ??= new LeasePool(this.client, { streams: 1, onError: this.options.onError }));
    const lease = await pool.grant(this.ttl);
    this.lease = lease;
    lease.onLost((reason) => {
      if (this.lease === lease) this.lease = undefined;
      this.demote(new Error(`${this.id} lost the lease of ${this.component}`, { cause: reason }));
    });
    return lease;
  }

  /** Resolves when the key is deleted at or after `fromRevision`, or the watch ends (re-check). */
  private waitForDeletion(fromRevision: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const watcher = this.client.watch().key(this.key).startRevision(String(fromRevision)).watcher();
      let ended = false;
      const done = () => {
        this.wakeStandby = undefined;
        watcher.removeAllListeners('delete');
        // After an 'error' etcd3 has dropped the watcher itself; cancelling again would hang.
        if (!ended) void cancelWatcher(watcher);
        resolve();
      };
      this.wakeStandby = done;
      watcher.on('delete', done);
      watcher.on('error', (err: Error) => {
        ended = true;
        this.report(new Error(`${this.id} watching ${this.key}: ${err.message}; checking again`, { cause: err }));
        done();
      });
    });
  }

  /** Watches our own key from `fromRevision` and steps down when it goes. */
  private watchOwnKey(createRevision: number, fromRevision = createRevision + 1): void {
    const watcher = this.client.watch().key(this.key).startRevision(String(fromRevision)).watcher();
    this.leaderWatcher = watcher;
    watcher.on('delete', () => {
      if (this.leaderWatcher === watcher) this.demote(new Error(`${this.key} was deleted while ${this.id} led ${this.component}`));
    });
    watcher.on('error', (err: Error) => {
      // Compaction ended the watch: look at the key once to tell whether we still hold it.
      if (this.leaderWatcher !== watcher) return;
      this.leaderWatcher = undefined;
      this.client.kv
        .range({ key: Buffer.from(this.key) })
        .then((res) => {
          const kv = res.kvs[0];
          if (!this.leader || this.createRevision !== createRevision) return;
          if (!kv || Number(kv.create_revision) !== createRevision) this.demote(new Error(`${this.key} is no longer ours`, { cause: err }));
          // Watch on from this read: the old start revision is likely compacted away.
          else this.watchOwnKey(createRevision, Number(res.header.revision) + 1);
        })
        .catch((readErr: unknown) => {
          this.report(new Error(`${this.id} re-checking ${this.key}`, { cause: readErr }));
          if (this.leader && this.createRevision === createRevision) this.watchOwnKey(createRevision, fromRevision);
        });
    });
  }

  private demote(reason: Error): void {
    if (!this.leader) return;
    this.leader = false;
    this.createRevision = 0;
    void this.stopLeaderWatch();
    // The lease may still be alive (the key was deleted by hand): give it up, a new campaign
    // starts from a fresh one.
    const lease = this.lease;
    this.lease = undefined;
    if (lease && !lease.lost) lease.revoke().catch((err: unknown) => this.report(err as Error));
    this.emit('lost', reason);
  }

  private async stopLeaderWatch(): Promise<void> {
    const watcher = this.leaderWatcher;
    this.leaderWatcher = undefined;
    if (watcher) await cancelWatcher(watcher);
  }

  private emit(event: ElectionEvent, reason?: Error): void {
    for (const cb of [...this.listeners[event]]) {
      try {
        cb(reason);
      } catch (err) {
        this.report(new Error(`'${event}' listener of ${this.component} election failed`, { cause: err }));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeStandby = () => {
        this.wakeStandby = undefined;
        done();
      };
    });
  }

  private report(err: Error): void {
    this.options.onError?.(err);
  }
}
