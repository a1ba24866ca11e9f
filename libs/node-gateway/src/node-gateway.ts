import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import {
  AssignmentEvent,
  AssignmentEventType,
  metaOf,
  type JoinRequest,
  type JoinResponse,
  type KeepAliveResponse,
  type Node,
  type NodeFacts,
  type RegisterRequest,
  type Registration,
  type ReleaseReplicaRequest,
  type ReleaseReplicaResponse,
  type RenewCredentialResponse,
  type Replica,
  type ReportStatusRequest,
  type ReportStatusResponse,
} from '@helios/api';
import type { Logger } from '@helios/config';
import { BY_NODE, ConflictError, encodeResource, EtcdLeaderClient, isConflict, isNotFound, LeaseRenewer, NotFoundError, StoreError, type Etcd3, type Keys, type ResourceStore, type SharedInformers } from '@helios/store';
import { describeErrors, validateName } from '@helios/validation';
import { AssignmentFanout } from './assignment-fanout';
import { BootstrapTokens } from './bootstrap-tokens';
import { invalidArgument, NodeApiError, permissionDenied, unauthenticated } from './node-api-error';
import { leaseDenial, nodeRef, planRelease, planReplicaReport, registrationDenial } from './node-authorization';
import { signCredential, verifyCredential, type NodeIdentity } from './node-credential';
import { leaseTtlFor, registeredNode, validateNodeFacts, withReportedStatus, type LeaseTtlBounds } from './node-facts';
import { validateStatusReport } from './status-report-rules';
import { loadSigningKey } from './signing-key';
import { WorkLimiter, WorkLimitExceeded } from './work-limiter';

/** What a gateway reads and writes through: the control plane's etcd client, store and shared cache. */
export interface NodeGatewayDeps {
  client: Etcd3;
  keys: Keys;
  store: ResourceStore;
  informers: SharedInformers;
  logger: Logger;
  /**
   * Builds a client for one etcd member's URL, for the keep-alive streams: they go to the etcd
   * leader, which alone renews leases (see EtcdLeaderClient). Without it they go to any member.
   */
  connectMember?: (url: string) => Etcd3;
}

/** How a gateway hands out leases and credentials. */
export interface NodeGatewayOptions {
  /** Node lease TTLs: the default (the node agent's 5 s) and the bounds a node's request is clamped to. */
  leaseTtl: LeaseTtlBounds;
  /** Lifetime of a node credential, seconds (default 24 h). */
  credentialTtlSeconds?: number;
  /** LeaseKeepAlive streams the nodes' keep-alives are forwarded over (default 4). */
  keepAliveStreams?: number;
  /** Joins and registrations at once, and waiting (default 32 and 2,000); more are UNAVAILABLE. */
  registrations?: { concurrency: number; queue: number };
  /** Status reports and releases at once, and waiting (default 64 and 4,000); more are UNAVAILABLE. */
  reports?: { concurrency: number; queue: number };
  now?: () => Date;
}

/** The send side of a WatchAssignments stream: a bounded queue (the operator Watch's SendQueue). */
export interface AssignmentQueue {
  /** Resolves when the stream is over; rejects with a status-carrying error when it was cut. */
  readonly done: Promise<void>;
  readonly closed: boolean;
  sendSnapshot(messages: Iterable<AssignmentEvent>): void;
  send(message: AssignmentEvent, bytes: number): void;
  end(): void;
}

// A registration that keeps losing its compare-and-swap on the Node to other writers gives up
// after this many rounds (each a read and a transaction); its lease is revoked.
const REGISTER_ATTEMPTS = 5;
const DEFAULT_CREDENTIAL_TTL_SECONDS = 24 * 3_600;

/**
 * The node API's logic, one per control-plane replica and stateless across them
 * (docs/architecture.md, the node API): nodes join with a bootstrap token, register on an etcd
 * lease this gateway grants, keep it alive through it, report their status and follow the
 * replicas bound to them, each call authorized by the node credential Join issued. Reads come
 * from the process's shared informers; writes are compare-and-swap transactions. It never
 * renews a lease on its own and never revokes one because a node went quiet: etcd's expiry is
 * the failure detector.
 */
export class NodeGateway {
  readonly tokens: BootstrapTokens;
  private readonly renewer: LeaseRenewer;
  private readonly leader: EtcdLeaderClient | undefined;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly credentialTtlMs: number;
  private signingKey: Promise<Buffer> | undefined;
  private ready: Promise<void> | undefined;
  private readonly queues = new Set<AssignmentQueue>();
  private fanout: AssignmentFanout | undefined;
  // Keep-alives go behind no limiter: a storm of registrations or reports must not delay them.
  private readonly registrations: WorkLimiter;
  private readonly reports: WorkLimiter;

  constructor(
    private readonly deps: NodeGatewayDeps,
    private readonly options: NodeGatewayOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.log = deps.logger;
    this.credentialTtlMs = 1000 * (options.credentialTtlSeconds ?? DEFAULT_CREDENTIAL_TTL_SECONDS);
    this.tokens = new BootstrapTokens(deps.client, deps.keys, this.now);
    const registrations = options.registrations ?? { concurrency: 32, queue: 2_000 };
    const reports = options.reports ?? { concurrency: 64, queue: 4_000 };
    this.registrations = new WorkLimiter('node registrations', registrations.concurrency, registrations.queue);
    this.reports = new WorkLimiter('node status reports', reports.concurrency, reports.queue);
    this.leader = deps.connectMember ? new EtcdLeaderClient(deps.client, { connect: deps.connectMember }) : undefined;
    this.renewer = new LeaseRenewer(deps.client, {
      streams: options.keepAliveStreams ?? 4,
      leader: this.leader,
      onError: (err) => this.log.warn({ err }, 'node keep-alive forwarding recovered from an error'),
    });
  }

  /**
   * Loads the signing key and starts the caches the node API reads (nodes, replicas,
   * deployments); a failure is retried by the next call that needs them.
   */
  start(): Promise<void> {
    this.ready ??= (async () => {
      const { informers } = this.deps;
      await Promise.all([this.key(), informers.informer('node').start(), informers.informer('replica').start(), informers.informer('deployment').start()]);
    })().catch((err: unknown) => {
      this.ready = undefined;
      throw new StoreError(this.deps.keys.root, `starting the node API: ${(err as Error).message}`, { cause: err });
    });
    return this.ready;
  }

  /** Ends every assignment stream (status OK) and closes the keep-alive streams to etcd. */
  close(): void {
    for (const queue of this.queues) queue.end();
    this.fanout?.close();
    this.renewer.close();
    this.leader?.close();
  }

  /** The identity a bearer credential proves; UNAUTHENTICATED when it proves none. */
  async authenticate(credential: string): Promise<NodeIdentity> {
    const verified = verifyCredential(await this.key(), credential, this.now().getTime());
    if ('error' in verified) throw unauthenticated(verified.error);
    return verified;
  }

  /**
   * Trades a bootstrap token for an identity and a credential, and registers the node. The token
   * is used before the registration is written: a registration that then fails (etcd away)
   * costs that use, which is the safe side of the race between two joins.
   */
  async join(request: JoinRequest): Promise<JoinResponse> {
    // Checked before the token is used, so a malformed request costs no use of it.
    const facts = checkedFacts(request.node);
    return this.limited(this.registrations, () => this.joinNow(request.token, facts));
  }

  private async joinNow(text: string, facts: NodeFacts): Promise<JoinResponse> {
    await this.start();
    const token = await this.tokens.consume(text, facts.name, facts.pool);
    const identity: NodeIdentity = { cell: token.cell, node: facts.name, pool: token.pool, expiresAt: this.now().getTime() + this.credentialTtlMs };
    const registration = await this.registerNode(identity.cell, facts);
    this.log.info({ cell: identity.cell, node: facts.name, token: token.id, lease: registration.leaseId }, 'node joined');
    const credential = await this.credential(identity);
    return { cell: identity.cell, node: identity.node, ...credential, registration };
  }

  /** Registers the node again: a new lease, the heartbeat on it, the Node Ready with these facts. */
  async register(identity: NodeIdentity, request: RegisterRequest): Promise<{ registration: Registration }> {
    const facts = checkedFacts(request.node);
    const denial = registrationDenial(identity, facts);
    if (denial) throw permissionDenied(denial);
    return this.limited(this.registrations, async () => {
      await this.start();
      const registration = await this.registerNode(identity.cell, facts);
      this.log.info({ cell: identity.cell, node: facts.name, lease: registration.leaseId }, 'node registered');
      return { registration };
    });
  }

  /**
   * One keep-alive of the node's own lease, forwarded to etcd; etcd's answer back (TTL 0: gone).
   * The lease is checked against the cached Node (no etcd read on this path) and only when the
   * cache disagrees, against the Node in etcd (it may have just registered through another replica).
   */
  async keepAlive(identity: NodeIdentity, leaseId: string): Promise<KeepAliveResponse> {
    const cached = this.deps.informers.informer('node').get(identity.node, identity.cell);
    if (leaseDenial(identity, leaseId, cached)) {
      const denial = leaseDenial(identity, leaseId, await this.deps.store.get('node', identity.node, identity.cell));
      if (denial) throw permissionDenied(denial);
    }
    let ttl: number;
    try {
      ttl = await this.renewer.renewOnce(leaseId);
    } catch (err) {
      throw new NodeApiError(status.UNAVAILABLE, `keeping lease ${leaseId} of node ${nodeRef(identity)} alive: ${(err as Error).message}`, { cause: err });
    }
    return { leaseId, ttlSeconds: ttl };
  }

  /**
   * Applies a status report: the Node's node-owned status fields, then each replica's status,
   * each only if bound to this node (PERMISSION_DENIED for the whole report otherwise, nothing
   * written), the same uid, and not retired unless the report says Terminating. Replica writes
   * go out as batched compare-and-swap transactions at the cached versions; one that lost its
   * race is planned again on a fresh read.
   */
  async reportStatus(identity: NodeIdentity, request: ReportStatusRequest): Promise<ReportStatusResponse> {
    const errors = validateStatusReport(request);
    if (errors.length > 0) throw invalidArgument(describeErrors('status report of node', nodeRef(identity), errors));
    return this.limited(this.reports, () => this.applyReport(identity, request));
  }

  private async applyReport(identity: NodeIdentity, request: ReportStatusRequest): Promise<ReportStatusResponse> {
    await this.start();
    const replicas = this.deps.informers.informer('replica');
    const plans = await Promise.all(
      request.replicas.map(async (report) => {
        let plan = planReplicaReport(identity, report, replicas.get(report.name, report.deployment));
        // The cache may not have seen the binding yet: etcd has the last word on a denial.
        if (plan.action === 'deny') plan = planReplicaReport(identity, report, await this.deps.store.get('replica', report.name, report.deployment));
        return { report, plan };
      }),
    );
    const denied = plans.find(({ plan }) => plan.action === 'deny');
    if (denied?.plan.action === 'deny') throw permissionDenied(denied.plan.message);
    if (request.nodeStatus) await this.writeNodeStatus(identity, request.nodeStatus);

    const skipped = plans.filter(({ plan }) => plan.action === 'skip').map(({ report }) => `${report.deployment}/${report.name}`);
    const writes = plans.flatMap(({ report, plan }) => (plan.action === 'write' ? [{ report, next: plan.next }] : []));
    if (writes.length === 0) return { skipped };
    const results = await this.deps.store.updateEach(
      'replica',
      writes.map(({ next }) => next),
    );
    await Promise.all(
      results.map(async (result, i) => {
        const { report } = writes[i]!;
        if (!(result instanceof ConflictError || result instanceof NotFoundError)) return;
        if (result instanceof NotFoundError || !(await this.retryReplicaReport(identity, report))) skipped.push(`${report.deployment}/${report.name}`);
      }),
    );
    return { skipped };
  }

  /**
   * Streams the replicas bound to the node from the shared replica informer's byNode index:
   * the current set as ADDED, then SYNCED, then every change; a replica that leaves the node
   * (deleted, or bound elsewhere) as DELETED. Resolves when the stream is over.
   */
  async watchAssignments(identity: NodeIdentity, queue: AssignmentQueue): Promise<void> {
    await this.start();
    this.queues.add(queue);
    try {
      const informer = this.deps.informers.informer('replica');
      this.fanout ??= new AssignmentFanout(informer);
      // Subscribed and read in one step (the cache tells its listeners as it changes): every
      // change the snapshot does not hold is an event after it.
      const unsubscribe = this.fanout.subscribe(nodeRef(identity), (type, replica) => {
        const event = this.assignment(type, replica);
        queue.send(event, AssignmentEvent.encode(event).finish().length);
      });
      try {
        const current = informer.byIndex(BY_NODE, nodeRef(identity));
        queue.sendSnapshot([
          ...current.map((replica) => this.assignment(AssignmentEventType.ASSIGNMENT_EVENT_TYPE_ADDED, replica)),
          AssignmentEvent.fromPartial({ type: AssignmentEventType.ASSIGNMENT_EVENT_TYPE_SYNCED }),
        ]);
        await queue.done;
      } finally {
        unsubscribe();
      }
    } finally {
      this.queues.delete(queue);
    }
  }

  /** Deletes a retired replica the node has stopped, if still retired, the same uid and bound here. */
  async releaseReplica(identity: NodeIdentity, request: ReleaseReplicaRequest): Promise<ReleaseReplicaResponse> {
    const { deployment, name, uid } = request;
    const errors = [...validateName('deployment', deployment), ...validateName('name', name)];
    if (errors.length > 0) throw invalidArgument(describeErrors('release by node', nodeRef(identity), errors));
    return this.limited(this.reports, () => this.release(identity, deployment, name, uid));
  }

  private async release(identity: NodeIdentity, deployment: string, name: string, uid: string): Promise<ReleaseReplicaResponse> {
    for (let attempt = 0; attempt < REGISTER_ATTEMPTS; attempt++) {
      const current = await this.deps.store.get('replica', name, deployment);
      const plan = planRelease(identity, deployment, name, uid, current);
      if (plan.action === 'deny') throw permissionDenied(plan.message);
      if (plan.action === 'keep') return { deleted: false };
      try {
        await this.deps.store.delete('replica', name, deployment, { resourceVersion: plan.resourceVersion });
        this.log.info({ cell: identity.cell, node: identity.node, deployment, replica: name }, 'retired replica released by its node');
        return { deleted: true };
      } catch (err) {
        if (isNotFound(err)) return { deleted: false };
        if (!isConflict(err)) throw err;
      }
    }
    throw new NodeApiError(status.ABORTED, `releasing replica ${deployment}/${name}: it kept changing underneath; retry`);
  }

  /** A fresh credential for the same identity. */
  renewCredential(identity: NodeIdentity): Promise<RenewCredentialResponse> {
    return this.credential({ ...identity, expiresAt: this.now().getTime() + this.credentialTtlMs });
  }

  /** Runs `task` behind `limiter`; a full queue is UNAVAILABLE, which a node retries with back-off. */
  private async limited<T>(limiter: WorkLimiter, task: () => Promise<T>): Promise<T> {
    try {
      return await limiter.run(task);
    } catch (err) {
      if (err instanceof WorkLimitExceeded) throw new NodeApiError(status.UNAVAILABLE, err.message, { cause: err });
      throw err;
    }
  }

  private async credential(identity: NodeIdentity): Promise<RenewCredentialResponse> {
    return { credential: signCredential(await this.key(), identity), credentialExpireTime: new Date(identity.expiresAt).toISOString() };
  }

  private key(): Promise<Buffer> {
    this.signingKey ??= loadSigningKey(this.deps.client, this.deps.keys.secret('node-credential-key')).catch((err: unknown) => {
      this.signingKey = undefined;
      throw new StoreError(this.deps.keys.root, (err as Error).message, { cause: err });
    });
    return this.signingKey;
  }

  /**
   * Grants the lease and writes the heartbeat on it and the Node in one transaction (compare-
   * and-swap on the Node), so a registration is all or nothing; the lease is revoked when it
   * fails.
   */
  private async registerNode(cell: string, facts: NodeFacts): Promise<Registration> {
    const { client, keys, store } = this.deps;
    const ttl = leaseTtlFor(facts.leaseTtlSeconds, this.options.leaseTtl);
    const nodeKey = keys.resource('node', facts.name, cell);
    const grant = await etcdCall(nodeKey, `granting a lease of ${ttl} s to node ${cell}/${facts.name}`, () => client.leaseClient.leaseGrant({ TTL: ttl }));
    const leaseId = grant.ID;
    try {
      // The first round starts from the cache (no read); a round that lost to a fresher Node reads etcd.
      let current = this.deps.informers.informer('node').get(facts.name, cell);
      for (let attempt = 0; attempt < REGISTER_ATTEMPTS; attempt++) {
        if (attempt > 0) current = await store.get('node', facts.name, cell);
        const node = registeredNode(current, facts, { cell, leaseId, now: this.now().toISOString(), newUid: randomUUID() });
        const key = Buffer.from(nodeKey);
        const value = encodeResource('node', node);
        const res = await etcdCall(nodeKey, `registering node ${cell}/${facts.name}`, () =>
          client.kv.txn({
            compare: [current ? { key, target: 'Mod', result: 'Equal', mod_revision: metaOf(current).resourceVersion } : { key, target: 'Create', result: 'Equal', create_revision: 0 }],
            success: [
              // The heartbeat as the node agent wrote it: the node's name, on the node's lease.
              { request_put: { key: Buffer.from(keys.heartbeat(cell, facts.name)), value: Buffer.from(facts.name), lease: leaseId } },
              // ignore_lease keeps whatever lease the Node key has (none): a plain put would detach it.
              { request_put: current ? { key, value, ignore_lease: true } : { key, value } },
            ],
            failure: [],
          }),
        );
        if (res.succeeded) {
          const stored: Node = { ...node, metadata: { ...node.metadata!, resourceVersion: Number(res.header.revision) } };
          return { leaseId, leaseTtlSeconds: Number(grant.TTL), node: stored };
        }
      }
      throw new NodeApiError(status.ABORTED, `registering node ${cell}/${facts.name}: the Node kept changing underneath (${REGISTER_ATTEMPTS} rounds); retry`);
    } catch (err) {
      await client.leaseClient.leaseRevoke({ ID: leaseId }).catch((revokeErr: unknown) => this.log.warn({ err: revokeErr, lease: leaseId }, 'revoking the lease of a failed registration failed; it expires'));
      throw err;
    }
  }

  private async writeNodeStatus(identity: NodeIdentity, reported: NonNullable<ReportStatusRequest['nodeStatus']>): Promise<void> {
    const cached = this.deps.informers.informer('node').get(identity.node, identity.cell);
    // The cache usually says nothing changed; only then is etcd not asked.
    if (cached && !withReportedStatus(cached, reported)) return;
    try {
      const next = cached && withReportedStatus(cached, reported);
      if (next) {
        try {
          await this.deps.store.update('node', next);
          return;
        } catch (err) {
          if (!isConflict(err)) throw err;
        }
      }
      await this.deps.store.mutate('node', identity.node, identity.cell, (current) => withReportedStatus(current, reported));
    } catch (err) {
      if (isNotFound(err)) throw new NodeApiError(status.FAILED_PRECONDITION, `node ${nodeRef(identity)} is not registered: Register first`, { cause: err });
      throw err;
    }
  }

  /** One replica report again on a fresh read; false when it was not applied (skipped or denied meanwhile). */
  private async retryReplicaReport(identity: NodeIdentity, report: ReportStatusRequest['replicas'][number]): Promise<boolean> {
    let applied = false;
    try {
      await this.deps.store.mutate('replica', report.name, report.deployment, (current) => {
        const plan = planReplicaReport(identity, report, current);
        applied = plan.action === 'write' || plan.action === 'unchanged';
        return plan.action === 'write' ? plan.next : undefined;
      });
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return false;
      throw err;
    }
    return applied;
  }

  private assignment(type: AssignmentEventType, replica: Replica): AssignmentEvent {
    const deployment = replica.spec?.deployment;
    const strategy = deployment ? this.deps.informers.informer('deployment').get(deployment)?.spec?.strategy : undefined;
    return AssignmentEvent.fromPartial({
      type,
      replica,
      drainSeconds: strategy?.drainSeconds ?? 0,
      terminationGraceSeconds: strategy?.terminationGraceSeconds ?? 0,
    });
  }
}

/** The facts of a request, validated: INVALID_ARGUMENT naming every bad field otherwise. */
function checkedFacts(facts: NodeFacts | undefined): NodeFacts {
  const errors = validateNodeFacts(facts);
  if (errors.length > 0 || !facts) throw invalidArgument(describeErrors('node', facts?.name ?? '', errors));
  return facts;
}

async function etcdCall<T>(key: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new StoreError(key, `${what}: etcd request failed: ${(err as Error).message}`, { cause: err });
  }
}
