import type { Etcd3 } from 'etcd3';

/** Options of an EtcdLeaderClient. */
export interface EtcdLeaderClientOptions {
  /** Builds a client for one member's client URL (connectEtcd). */
  connect: (url: string) => Etcd3;
  /** How long a leader once found is trusted before it is looked up again, ms (default 5,000). */
  recheckMs?: number;
  /** Deadline of one lookup, ms (default 2,000). */
  lookupTimeoutMs?: number;
}

/**
 * A client connected to the etcd leader alone, for work only the leader does.
 *
 * etcd 3.4 renews a lease only on its leader: a follower forwards each LeaseKeepAlive request to
 * the leader as a peer HTTP request (EtcdServer.LeaseRenew), one at a time per stream. A gateway
 * forwarding thousands of keep-alives a second over a few streams to a follower is then bound by
 * that round trip, and keep-alives come back seconds late under load (seen at 10,000 nodes).
 * Sent to the leader, a renewal is answered from its lessor at once.
 *
 * `current()` looks the leader up (Status on any member, then MemberList for its client URL),
 * keeps one client per leader URL, and looks again after `recheckMs` or `invalidate()`. When the
 * lookup fails (no leader during an election, etcd away) it answers the ordinary client, which
 * reaches any member: a follower is slower, never wrong.
 */
export class EtcdLeaderClient {
  private readonly recheckMs: number;
  private readonly lookupTimeoutMs: number;
  private leader: { url: string; client: Etcd3 } | undefined;
  private checkedAt = -Infinity;
  private lookup: Promise<Etcd3> | undefined;
  private closed = false;

  constructor(
    private readonly client: Etcd3,
    private readonly options: EtcdLeaderClientOptions,
  ) {
    this.recheckMs = options.recheckMs ?? 5_000;
    this.lookupTimeoutMs = options.lookupTimeoutMs ?? 2_000;
  }

  /** The leader's client when known (looked up at most every `recheckMs`), else the ordinary one. */
  current(): Promise<Etcd3> {
    if (this.closed) return Promise.resolve(this.client);
    if (this.leader && Date.now() - this.checkedAt < this.recheckMs) return Promise.resolve(this.leader.client);
    this.lookup ??= this.find().finally(() => (this.lookup = undefined));
    return this.lookup;
  }

  /** Forgets the leader (a stream to it broke): the next `current()` looks it up again. */
  invalidate(): void {
    this.checkedAt = -Infinity;
  }

  /** Closes the leader's client (never the ordinary one, which belongs to the caller). */
  close(): void {
    this.closed = true;
    this.leader?.client.close();
    this.leader = undefined;
  }

  private async find(): Promise<Etcd3> {
    let url: string | undefined;
    try {
      const deadline = () => ({ deadline: Date.now() + this.lookupTimeoutMs });
      const status = await this.client.maintenance.status(deadline());
      const members = await this.client.cluster.memberList({ linearizable: false }, deadline());
      url = members.members.find((m) => m.ID === status.leader)?.clientURLs[0];
    } catch {
      url = undefined;
    }
    this.checkedAt = Date.now();
    if (this.closed) return this.client;
    if (!url) {
      // No leader known now: the ordinary client, and another look at the next call.
      this.checkedAt = -Infinity;
      return this.leader?.client ?? this.client;
    }
    if (this.leader?.url !== url) {
      this.leader?.client.close();
      this.leader = { url, client: this.options.connect(url) };
    }
    return this.leader.client;
  }
}
