import { Metadata, status, type CallOptions, type ClientDuplexStream, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import {
  JoinRequest,
  RegisterRequest,
  ReleaseReplicaRequest,
  ReportStatusRequest,
  type AssignmentEvent,
  type JoinResponse,
  type KeepAliveRequest,
  type KeepAliveResponse,
  type NodeFacts,
  type NodeServiceClient,
  type NodeStatus,
  type RegisterResponse,
  type Registration,
  type ReleaseReplicaResponse,
  type RenewCredentialResponse,
  type ReplicaStatusReport,
  type ReportStatusResponse,
} from '@helios/api';
import { createLogger, type Logger } from '@helios/config';
import { backoffDelay, type BackoffPolicy } from '@helios/controller-runtime';
import { AssignmentSet } from './assignment-set';
import { CredentialFile, type NodeCredential } from './credential-file';
import { NodeChannels } from './node-channels';
import type { RegistrationGate } from './registration-gate';
import { reportKey, StatusCoalescer, type StatusBatch } from './status-batch';

/** How one node reaches the control plane. */
export interface NodeClientOptions {
  /** Control-plane gRPC addresses (`host:port`); the client moves to the next one when the current one fails. */
  addresses: readonly string[];
  /** Bootstrap token `<id>.<secret>`: needed when no stored credential is held or the stored one is refused. */
  token?: string;
  /** Directory the credential is kept in, so a restarted agent registers without a new token; default: memory only. */
  stateDir?: string;
  /** Channels shared with other nodes of this process; default: the client's own, closed when it stops. */
  channels?: NodeChannels;
  /** Paces the registrations (Join, Register) of every node sharing it; default: none. */
  registrations?: RegistrationGate;
  /** Back-off between registration attempts after a lost lease or a failure (default 500 ms doubling to 30 s, jitter 100 %). */
  registerBackoff?: BackoffPolicy;
  logger?: Logger;
  /** Source of jitter; default Math.random. */
  random?: () => number;
}

/** The lease the node keeps alive now. */
interface HeldLease {
  id: string;
  ttlSeconds: number;
  /** Monotonic ms after which etcd may have expired it: the send time of the last confirmed keep-alive plus the TTL. */
  deadline: number;
}

/** A failure that retrying the same call cannot fix (refused token, bad request). */
export class NodeClientError extends Error {
  constructor(
    message: string,
    readonly code: status | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NodeClientError';
  }
}

// Every unary call has a deadline: a stalled control-plane replica must not hold a node's
// registration or status forever; the next attempt goes to another address.
const CALL_DEADLINE_MS = 10_000;
// Reopening a broken stream: at once on the next address, then about 100 ms doubling to 1 s,
// so a node whose replica died is back on another well within a 5 s TTL.
const STREAM_BACKOFF: BackoffPolicy = { baseMs: 100, maxMs: 1_000, jitter: 0.5 };
const STATUS_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 5_000, jitter: 0.5 };
// Registrations come in herds (etcd expiring thousands of leases at once): a jitter of 100 %
// spreads each round uniformly over [0, 2 x delay), so the herd does not come back together.
const REGISTER_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000, jitter: 1 };
// Replica reports per ReportStatus call.
const STATUS_BATCH_MAX = 200;
// Keep-alives unanswered on one stream before it is given up on.
const MAX_UNANSWERED = 8;
// A keep-alive every third of the TTL: a stall of up to two thirds of it (over 3 s at 5 s) less
// the round trip is survived. Measured at 10,000 nodes on one 2-core machine: every quarter TTL
// cost a third more forwarded renewals, and the gateway's renewals to etcd were what fell behind.
const KEEPALIVE_FRACTION = 1 / 3;
// A replica whose answers are this late (a share of the TTL) is given up on for the next one.
// Not sooner: when etcd itself is slow every replica is, and moving thousands of nodes at once
// adds reconnections to the load that made it slow.
const STALLED_FRACTION = 0.6;

/** Status codes after which the same call to another replica may succeed. */
const TRANSIENT = new Set<status>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED, status.ABORTED, status.INTERNAL, status.UNKNOWN, status.CANCELLED, status.UNIMPLEMENTED]);

const now = (): number => performance.now();

/**
 * One node's side of the node API (docs/architecture.md, the node API): joins once with a
 * bootstrap token, keeps the credential (in `stateDir`, renewed before it expires), keeps the
 * node's lease alive, reports status and follows the replicas bound to the node.
 *
 * - Keep-alives have priority over everything else: their own bidi stream (one HTTP/2 frame per
 *   renewal, no per-call headers or auth as a unary call would have), their own timer every
 *   ttl/3 (so a stall of two thirds of a TTL less the round trip is survived), never behind
 *   a registration or a status report.
 * - Losing a connection is not a failure: a broken stream or UNAVAILABLE moves the node to the
 *   next address, where its streams reopen at once and the same lease is renewed. Only etcd
 *   ends a lease: a keep-alive answered with TTL 0.
 * - A lost lease is registered again after a jittered back-off, through the shared
 *   RegistrationGate when there is one: 10,000 leases lost at once must come back as a trickle,
 *   not as a storm that loses more.
 * - Status reports coalesce (latest per replica wins), one ReportStatus call in flight.
 * - Each (re)opened assignment stream re-syncs: its initial set replaces what was known.
 */
export class NodeClient {
  /** The replicas bound to this node, once watchAssignments was called. */
  readonly assignments = new AssignmentSet();

  private readonly log: Logger;
  private readonly channels: NodeChannels;
  private readonly ownChannels: boolean;
  private readonly credentialFile: CredentialFile | undefined;
  private readonly random: () => number;
  private addressIndex = 0;
  private credential: NodeCredential | undefined;
  private facts: NodeFacts | undefined;
  private lease: HeldLease | undefined;
  private stopped = false;
  private registering: Promise<void> | undefined;
  /** Aborted by stop(): ends every wait of the client (back-off, its turn at the gate). */
  private readonly abort = new AbortController();
  private readonly registeredListeners = new Set<(registration: Registration) => void>();
  private readonly lostListeners = new Set<(leaseId: string) => void>();

  private keepAliveStream: ClientDuplexStream<KeepAliveRequest, KeepAliveResponse> | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private keepAliveReopen: NodeJS.Timeout | undefined;
  private keepAliveAttempt = 0;
  /** Send times of the keep-alives on the open stream not answered yet (answers come in order). */
  private unanswered: number[] = [];
  /** When the keep-alive timer last ran. */
  private lastTick = now();

  private watchStream: ClientReadableStream<AssignmentEvent> | undefined;
  private watchListeners = new Set<(keys: string[]) => void>();
  private watchReopen: NodeJS.Timeout | undefined;
  private watchAttempt = 0;

  private readonly status = new StatusCoalescer();
  private statusInFlight = false;
  private statusRetry: NodeJS.Timeout | undefined;
  private statusAttempt = 0;
  private statusIdle: (() => void)[] = [];

  private renewTimer: NodeJS.Timeout | undefined;

  /** Keep-alives answered by etcd through this client, since it was created. */
  keepAlivesAnswered = 0;
  /** Registrations (Join or Register) done, the first one included. */
  registrations = 0;
  /** KeepAlive streams given up on: broken, ended, or stalled past 0.6 of a TTL. */
  keepAliveStreamsLost = 0;

  constructor(private readonly options: NodeClientOptions) {
    if (options.addresses.length === 0) throw new Error('a node client needs at least one control-plane address');
    this.log = options.logger ?? createLogger('node-client');
    this.channels = options.channels ?? new NodeChannels();
    this.ownChannels = !options.channels;
    this.credentialFile = options.stateDir ? new CredentialFile(options.stateDir) : undefined;
    this.random = options.random ?? Math.random;
    // Nodes sharing a list spread over it instead of all starting on its first address.
    this.addressIndex = Math.floor(this.random() * options.addresses.length);
  }

  /** The node's cell and name, once joined (from the credential). */
  get identity(): { cell: string; node: string } | undefined {
    return this.credential ? { cell: this.credential.cell, node: this.credential.node } : undefined;
  }

  /** The id of the lease held now, undefined while unregistered. */
  get leaseId(): string | undefined {
    return this.lease?.id;
  }

  /** The address the node's calls and streams go to now. */
  get address(): string {
    return this.options.addresses[this.addressIndex]!;
  }

  /** True while no keep-alive was confirmed within the TTL: etcd may have expired the lease, or kept it. */
  get leaseInDoubt(): boolean {
    return this.lease !== undefined && now() >= this.lease.deadline;
  }

  /** Calls `cb` after every registration (the first one and each after a lost lease); returns the unsubscribe. */
  onRegistered(cb: (registration: Registration) => void): () => void {
    this.registeredListeners.add(cb);
    return () => this.registeredListeners.delete(cb);
  }

  /** Calls `cb` when etcd said the lease is gone (before the client registers again); returns the unsubscribe. */
  onLeaseLost(cb: (leaseId: string) => void): () => void {
    this.lostListeners.add(cb);
    return () => this.lostListeners.delete(cb);
  }

  /**
   * Registers the node (Join with the token, or Register with a stored credential) and starts
   * keeping its lease alive. Retries failures another replica or a later attempt may not have
   * (UNAVAILABLE, deadlines) until it succeeds or the client stops; rejects with a
   * NodeClientError on one that retrying cannot fix (a refused token and no other way in).
   */
  async start(facts: NodeFacts): Promise<Registration> {
    if (this.facts) throw new Error(`node client of ${facts.name} started twice`);
    this.facts = facts;
    const stored = this.credentialFile?.read();
    if (stored && stored.node === facts.name && Date.parse(stored.expireTime) > Date.now()) this.credential = stored;
    let registration: Registration | undefined;
    const done = new Promise<Registration>((resolve) => {
      const off = this.onRegistered((r) => {
        off();
        registration = r;
        resolve(r);
      });
    });
    this.registering = this.registerLoop(false);
    await this.registering;
    if (this.stopped && !registration) throw new NodeClientError(`node ${facts.name} stopped before it registered`, undefined);
    return done;
  }

  /**
   * Follows the replicas bound to this node (one WatchAssignments stream, reopened and re-synced
   * after every reconnect and registration): `listener` gets the keys whose assignment changed,
   * read from `assignments`. Returns the unsubscribe.
   */
  watchAssignments(listener: (keys: string[]) => void): () => void {
    this.watchListeners.add(listener);
    if (!this.watchStream && !this.watchReopen && this.credential && !this.stopped) this.openWatch();
    return () => this.watchListeners.delete(listener);
  }

  /** Queues a replica's status report; the latest one per replica is sent. */
  reportReplica(report: ReplicaStatusReport): void {
    this.status.put(report);
    this.pumpStatus();
  }

  /** Queues the node's own status (GPUs, address, conditions, a preemption notice); the latest one is sent. */
  reportNode(nodeStatus: NodeStatus): void {
    this.status.putNode(nodeStatus);
    this.pumpStatus();
  }

  /** Resolves once every status report queued so far was sent (or the client stopped). */
  flushStatus(): Promise<void> {
    if (this.stopped || (this.status.size === 0 && !this.statusInFlight)) return Promise.resolve();
    return new Promise((resolve) => this.statusIdle.push(resolve));
  }

  /** Tells the control plane a retired replica is stopped for good; resolves whether it deleted it. */
  async releaseReplica(ref: { deployment: string; name: string; uid: string }): Promise<boolean> {
    try {
      const response = await this.unary<ReleaseReplicaResponse>(`releasing replica ${ref.deployment}/${ref.name}`, (client, md, opts, cb) => client.releaseReplica(ReleaseReplicaRequest.fromPartial(ref), md, opts, cb));
      return response.deleted;
    } catch (err) {
      // Not bound here (any more): nothing of this node's to delete, and retrying cannot change that.
      if (err instanceof NodeClientError && err.code === status.PERMISSION_DENIED) return false;
      throw err;
    }
  }

  /**
   * Stops every call and stream. The lease is not revoked (the node API has no such call): it
   * expires a TTL later, as it would if the host died, and the Node turns NotReady then.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    clearInterval(this.keepAliveTimer);
    clearTimeout(this.keepAliveReopen);
    clearTimeout(this.watchReopen);
    clearTimeout(this.statusRetry);
    clearTimeout(this.renewTimer);
    this.keepAliveStream?.cancel();
    this.keepAliveStream = undefined;
    this.watchStream?.cancel();
    this.watchStream = undefined;
    for (const resolve of this.statusIdle.splice(0)) resolve();
    await this.registering?.catch(() => undefined);
    if (this.ownChannels) this.channels.close();
  }

  // ---- registration ------------------------------------------------------------------------

  /** Registers until it succeeds; `afterLoss` starts with a jittered wait (the herd case). */
  private async registerLoop(afterLoss: boolean): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      if (attempt > 0 || afterLoss) await this.sleep(backoffDelay(afterLoss ? attempt : attempt - 1, this.options.registerBackoff ?? REGISTER_BACKOFF, this.random));
      if (this.stopped) return;
      await this.options.registrations?.acquire(this.abort.signal);
      if (this.stopped) return;
      try {
        const registration = await this.registerOnce();
        this.registered(registration);
        return;
      } catch (err) {
        if (err instanceof NodeClientError && (err.code === undefined || !TRANSIENT.has(err.code))) throw err;
        this.log.warn({ err: errorText(err), attempt }, 'registration failed; retrying');
      }
    }
  }

  private async registerOnce(): Promise<Registration> {
    const facts = this.facts!;
    if (this.credential) {
      try {
        const response = await this.unary<RegisterResponse>('registering', (client, md, opts, cb) => client.register(RegisterRequest.fromPartial({ node: facts }), md, opts, cb));
        return required(response.registration, 'Register answered no registration');
      } catch (err) {
        if (!(err instanceof NodeClientError) || err.code !== status.UNAUTHENTICATED) throw err;
        if (!this.options.token) throw new NodeClientError(`the control plane refused node ${facts.name}'s credential and no bootstrap token was given`, err.code, { cause: err });
        this.log.warn('the stored credential was refused; joining again with the bootstrap token');
        this.credential = undefined;
      }
    }
    if (!this.options.token) throw new NodeClientError(`node ${facts.name} holds no credential and no bootstrap token was given`, undefined);
    const token = this.options.token;
    const response = await this.unary<JoinResponse>('joining', (client, md, opts, cb) => client.join(JoinRequest.fromPartial({ token, node: facts }), md, opts, cb), false);
    this.credential = { cell: response.cell, node: response.node, credential: response.credential, expireTime: response.credentialExpireTime ?? '' };
    this.credentialFile?.write(this.credential);
    this.scheduleRenewal();
    return required(response.registration, 'Join answered no registration');
  }

  private registered(registration: Registration): void {
    this.registrations++;
    const ttlSeconds = registration.leaseTtlSeconds > 0 ? registration.leaseTtlSeconds : 5;
    this.lease = { id: registration.leaseId, ttlSeconds, deadline: now() + ttlSeconds * 1000 };
    this.restartKeepAlive();
    if (!this.renewTimer) this.scheduleRenewal();
    // A fresh lease may come with a changed set (replicas failed while the node was away): re-sync.
    if (this.watchListeners.size > 0) this.restartWatch();
    this.pumpStatus();
    for (const listener of [...this.registeredListeners]) listener(registration);
  }

  private leaseLost(leaseId: string, why: string): void {
    if (this.stopped || this.lease?.id !== leaseId) return;
    this.lease = undefined;
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
    this.log.warn({ lease: leaseId, why }, 'lease lost; registering again');
    for (const listener of [...this.lostListeners]) listener(leaseId);
    this.registering = this.registerLoop(true).catch((err: unknown) => this.log.error({ err: errorText(err) }, 'cannot register again'));
  }

  /** The credential was refused mid-life (expired, revoked): join again with the token, if there is one. */
  private credentialRefused(): void {
    if (this.stopped || !this.credential) return;
    this.log.warn('the control plane refused the credential');
    const lease = this.lease;
    this.credential = undefined;
    if (!this.options.token) {
      this.log.error('the credential was refused and no bootstrap token was given: this node cannot register again');
      return;
    }
    if (lease) this.leaseLost(lease.id, 'credential refused');
  }

  private scheduleRenewal(): void {
    clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
    const expire = this.credential ? Date.parse(this.credential.expireTime) : NaN;
    if (!Number.isFinite(expire)) return;
    // Renewed a third of its remaining life before it ends, so failed renewals have time to retry.
    const left = expire - Date.now();
    const delay = Math.max(1_000, Math.min(left - left / 3, 2 ** 31 - 1));
    this.renewTimer = setTimeout(() => void this.renew(), delay);
    this.renewTimer.unref();
  }

  private async renew(): Promise<void> {
    try {
      const response = await this.unary<RenewCredentialResponse>('renewing the credential', (client, md, opts, cb) => client.renewCredential({}, md, opts, cb));
      this.credential = { ...this.credential!, credential: response.credential, expireTime: response.credentialExpireTime ?? '' };
      this.credentialFile?.write(this.credential);
      this.log.info({ expires: this.credential.expireTime }, 'credential renewed');
      this.scheduleRenewal();
    } catch (err) {
      if (this.stopped) return;
      this.log.warn({ err: errorText(err) }, 'renewing the credential failed; trying again');
      this.renewTimer = setTimeout(() => void this.renew(), 30_000);
      this.renewTimer.unref();
    }
  }

  // ---- keep-alive --------------------------------------------------------------------------

  private restartKeepAlive(): void {
    clearInterval(this.keepAliveTimer);
    const lease = this.lease!;
    this.keepAliveTimer = setInterval(() => this.keepAliveTick(), lease.ttlSeconds * 1000 * KEEPALIVE_FRACTION);
    if (!this.keepAliveStream && !this.keepAliveReopen) this.openKeepAlive();
  }

  private openKeepAlive(): void {
    this.keepAliveReopen = undefined;
    if (this.stopped || !this.credential) return;
    const address = this.address;
    const stream = this.channels.client(address).keepAlive(this.metadata());
    this.keepAliveStream = stream;
    this.unanswered = [];
    stream.on('data', (response: KeepAliveResponse) => {
      if (this.keepAliveStream === stream) this.keepAliveAnswered(response);
    });
    stream.on('error', (err: ServiceError) => {
      if (this.keepAliveStream === stream) this.keepAliveBroken(address, err.code, err.details);
    });
    stream.on('end', () => {
      if (this.keepAliveStream === stream) this.keepAliveBroken(address, status.UNAVAILABLE, 'stream ended');
    });
    // A reopened stream renews at once: the lease may be close to its deadline after the gap.
    this.keepAliveTick();
  }

  private keepAliveTick(): void {
    const lease = this.lease;
    const stream = this.keepAliveStream;
    const at = now();
    const intervalMs = (lease?.ttlSeconds ?? 0) * 1000 * KEEPALIVE_FRACTION;
    // A tick this late means this process stalled (timers run before the socket reads of the same
    // loop turn): answers may be waiting unread. Judging the replica stalled now would move every
    // node of a stalled process at once, a reconnection storm of its own making.
    const stalledHere = at - this.lastTick > intervalMs * 1.5;
    this.lastTick = at;
    if (!lease || !stream) return;
    if (!stalledHere && (this.unanswered.length >= MAX_UNANSWERED || (this.unanswered.length > 0 && at - this.unanswered[0]! > lease.ttlSeconds * 1000 * STALLED_FRACTION))) {
      // The replica is stalled (its answers most of a TTL late): another one may be well.
      this.log.warn({ address: this.address, unanswered: this.unanswered.length }, 'keep-alives unanswered; moving to the next control-plane address');
      this.keepAliveStream = undefined;
      this.keepAliveStreamsLost++;
      stream.cancel();
      this.moveOn(this.address);
      this.openKeepAlive();
      return;
    }
    this.unanswered.push(now());
    stream.write({ leaseId: lease.id });
  }

  private keepAliveAnswered(response: KeepAliveResponse): void {
    const sentAt = this.unanswered.shift() ?? now();
    this.keepAliveAttempt = 0;
    const lease = this.lease;
    // The gateway leaves a keep-alive it could not forward unanswered; the stream answering again
    // means those older ones never will be, and must not count as a stall.
    const horizon = now() - (lease?.ttlSeconds ?? 0) * 1000 * STALLED_FRACTION;
    while (this.unanswered.length > 0 && this.unanswered[0]! < horizon) this.unanswered.shift();
    if (!lease || response.leaseId !== lease.id) return;
    if (response.ttlSeconds <= 0) return this.leaseLost(lease.id, 'etcd answered TTL 0');
    this.keepAlivesAnswered++;
    lease.deadline = sentAt + response.ttlSeconds * 1000;
  }

  private keepAliveBroken(address: string, code: status, details: string): void {
    this.keepAliveStream = undefined;
    this.keepAliveStreamsLost++;
    this.unanswered = [];
    if (this.stopped) return;
    this.log.debug({ address, code: status[code], details }, 'keep-alive stream ended');
    if (code === status.UNAUTHENTICATED) return this.credentialRefused();
    if (code === status.PERMISSION_DENIED || code === status.NOT_FOUND || code === status.FAILED_PRECONDITION) {
      // The control plane says this lease is not (or no longer) the node's: register again.
      if (this.lease) this.leaseLost(this.lease.id, `keep-alive refused: ${details}`);
      return;
    }
    this.moveOn(address);
    // The first reopen within a fifth of the TTL, at random: the nodes of a replica that died
    // arrive at the others spread over a second, not in one burst, and each still renews well
    // before its lease runs out (the last renewal was at most a third of a TTL ago).
    const delay = this.keepAliveAttempt === 0 ? Math.floor(this.random() * (this.lease?.ttlSeconds ?? 5) * 200) : backoffDelay(this.keepAliveAttempt, STREAM_BACKOFF, this.random);
    this.keepAliveAttempt++;
    this.log.info({ address, code: status[code], details, next: this.address, delayMs: delay }, 'keep-alive stream broken; reconnecting');
    this.keepAliveReopen = setTimeout(() => this.openKeepAlive(), delay);
  }

  /**
   * After a failure on `failed`, the node's calls go to another address (once per failure of the
   * current one), picked at random: the nodes of a dead replica spread over all the others
   * instead of doubling the load of the one after it in the list.
   */
  private moveOn(failed: string): void {
    const n = this.options.addresses.length;
    if (this.address !== failed || n < 2) return;
    const step = 1 + Math.floor(this.random() * (n - 1));
    this.addressIndex = (this.addressIndex + step) % n;
  }

  // ---- assignments -------------------------------------------------------------------------

  private restartWatch(): void {
    clearTimeout(this.watchReopen);
    this.watchReopen = undefined;
    const stream = this.watchStream;
    this.watchStream = undefined;
    stream?.cancel();
    this.openWatch();
  }

  private openWatch(): void {
    this.watchReopen = undefined;
    if (this.stopped || !this.credential) return;
    const address = this.address;
    this.assignments.beginResync();
    const stream = this.channels.client(address).watchAssignments({}, this.metadata());
    this.watchStream = stream;
    stream.on('data', (event: AssignmentEvent) => {
      if (this.watchStream !== stream) return;
      this.watchAttempt = 0;
      const keys = this.assignments.apply(event);
      if (keys.length === 0) return;
      for (const listener of [...this.watchListeners]) listener(keys);
    });
    stream.on('error', (err: ServiceError) => {
      if (this.watchStream === stream) this.watchBroken(address, err.code, err.details);
    });
    stream.on('end', () => {
      if (this.watchStream === stream) this.watchBroken(address, status.UNAVAILABLE, 'stream ended');
    });
  }

  private watchBroken(address: string, code: status, details: string): void {
    this.watchStream = undefined;
    if (this.stopped) return;
    if (code === status.UNAUTHENTICATED) this.credentialRefused();
    else this.moveOn(address);
    const delay = backoffDelay(this.watchAttempt, STREAM_BACKOFF, this.random);
    this.watchAttempt++;
    this.log.info({ address, code: status[code], details, delayMs: delay }, 'assignment stream broken; reopening');
    this.watchReopen = setTimeout(() => this.openWatch(), delay);
  }

  // ---- status ------------------------------------------------------------------------------

  private pumpStatus(): void {
    if (this.stopped || this.statusInFlight || this.statusRetry || !this.credential) return;
    const batch = this.status.take(STATUS_BATCH_MAX);
    if (!batch) {
      for (const resolve of this.statusIdle.splice(0)) resolve();
      return;
    }
    this.statusInFlight = true;
    void this.sendStatus(batch);
  }

  private async sendStatus(batch: StatusBatch): Promise<void> {
    try {
      const request = ReportStatusRequest.fromPartial({ nodeStatus: batch.nodeStatus, replicas: batch.replicas });
      const response = await this.unary<ReportStatusResponse>('reporting status', (client, md, opts, cb) => client.reportStatus(request, md, opts, cb));
      if (response.skipped.length > 0) this.log.debug({ skipped: response.skipped }, 'status reports not applied (changed underneath or gone)');
      this.statusAttempt = 0;
      this.statusInFlight = false;
      this.pumpStatus();
    } catch (err) {
      this.statusInFlight = false;
      if (this.stopped) return;
      const code = err instanceof NodeClientError ? err.code : undefined;
      if (code === status.UNAUTHENTICATED) this.credentialRefused();
      if (code !== undefined && code !== status.UNAUTHENTICATED && !TRANSIENT.has(code)) {
        // Refused as a whole (PERMISSION_DENIED: a replica in it was moved off this node meanwhile;
        // a field out of bounds): sending it again cannot help. What is still bound here, as the
        // assignment stream says, goes again; the rest is dropped.
        const kept = batch.replicas.filter((r) => this.assignments.get(reportKey(r)));
        this.log.warn({ err: errorText(err), dropped: batch.replicas.length - kept.length }, 'status report refused; sending again only what is still bound here');
        if (kept.length < batch.replicas.length) this.status.requeue({ nodeStatus: batch.nodeStatus, replicas: kept });
        this.pumpStatus();
        return;
      }
      this.status.requeue(batch);
      const delay = backoffDelay(this.statusAttempt++, STATUS_BACKOFF, this.random);
      this.log.warn({ err: errorText(err), retryInMs: delay }, 'reporting status failed; retrying');
      this.statusRetry = setTimeout(() => {
        this.statusRetry = undefined;
        this.pumpStatus();
      }, delay);
    }
  }

  // ---- calls -------------------------------------------------------------------------------

  private metadata(): Metadata {
    const md = new Metadata();
    if (this.credential) md.set('authorization', `Bearer ${this.credential.credential}`);
    return md;
  }

  /** One unary call to the current address with a deadline; UNAVAILABLE or a deadline moves the node on. */
  private unary<Res>(
    what: string,
    call: (client: NodeServiceClient, md: Metadata, options: Partial<CallOptions>, cb: (err: ServiceError | null, res: Res) => void) => unknown,
    authenticated = true,
  ): Promise<Res> {
    const address = this.address;
    const node = this.facts?.name ?? '?';
    if (this.stopped) return Promise.reject(new NodeClientError(`${what} for node ${node}: the client is stopped`, status.CANCELLED));
    return new Promise((resolve, reject) => {
      call(this.channels.client(address), authenticated ? this.metadata() : new Metadata(), { deadline: Date.now() + CALL_DEADLINE_MS }, (err, res) => {
        if (!err) return resolve(res);
        if (err.code === status.UNAVAILABLE || err.code === status.DEADLINE_EXCEEDED || err.code === status.UNIMPLEMENTED) this.moveOn(address);
        reject(new NodeClientError(`${what} for node ${node} at ${address}: ${status[err.code] ?? err.code} ${err.details}`, err.code, { cause: err }));
      });
    });
  }

  /** Waits `ms`, or less when the client stops. */
  private sleep(ms: number): Promise<void> {
    const signal = this.abort.signal;
    if (ms <= 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function required<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new NodeClientError(message, status.INTERNAL);
  return value;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
