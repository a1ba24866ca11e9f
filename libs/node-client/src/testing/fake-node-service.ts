import { Metadata, Server, ServerCredentials, status, type ServerDuplexStream, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';
import {
  AssignmentEvent,
  AssignmentEventType,
  Node,
  NodeServiceService,
  Replica,
  type JoinRequest,
  type JoinResponse,
  type KeepAliveRequest,
  type KeepAliveResponse,
  type NodeFacts,
  type NodeServiceServer,
  type NodeStatus,
  type RegisterRequest,
  type RegisterResponse,
  type Registration,
  type ReleaseReplicaRequest,
  type ReleaseReplicaResponse,
  type RenewCredentialResponse,
  type ReplicaStatusReport,
  type ReportStatusRequest,
  type ReportStatusResponse,
  type WatchAssignmentsRequest,
} from '@helios/api';
import { randomBytes } from 'node:crypto';

type Failure = { code: status; details: string; /** Calls it fails before it clears itself; default: until deleted. */ times?: number };
type WatchCall = ServerWritableStream<WatchAssignmentsRequest, AssignmentEvent>;

/** One node as the fake control plane knows it. */
interface FakeNode {
  cell: string;
  facts: NodeFacts;
  leaseId: string;
  leaseAlive: boolean;
  nodeStatus: NodeStatus | undefined;
  /** Replicas bound to it, by `<deployment>/<name>`, with the drain and grace their events carry. */
  replicas: Map<string, { replica: Replica; drainSeconds: number; terminationGraceSeconds: number }>;
}

/**
 * The control plane's side of the node API, in memory, for testing node clients and agents at
 * the gRPC seam: bootstrap tokens (`<id>.<secret>`, single use), credentials, leases etcd would
 * keep (expired by the test with `expireLease`), the assignment streams (current set, SYNCED,
 * then changes), status reports applied to the replicas it holds, ReleaseReplica. Several
 * servers can serve one FakeControlPlane, as control-plane replicas serve one store; `kill`
 * plays a replica dying. It answers with the documented responses and errors of
 * proto/helios/v1/node.proto.
 */
export class FakeControlPlane {
  private readonly tokens = new Map<string, { cell: string; uses: number }>();
  private readonly credentials = new Map<string, { cell: string; node: string; expireTime: string }>();
  private readonly nodes = new Map<string, FakeNode>();
  private readonly watches = new Map<string, Set<WatchCall>>();
  private nextLease = 7_587_000_000_000_000_000n;
  private readonly servers: FakeNodeServer[] = [];

  /** Every call, in order: `<method> <node>` (Join by the name asked for). */
  readonly calls: string[] = [];
  /** Every replica report applied or skipped, in order of arrival. */
  readonly reports: ReplicaStatusReport[] = [];
  /** Every ReportStatus call's replica count, in order. */
  readonly batchSizes: number[] = [];
  /** Keep-alives answered, by node. */
  readonly keepAlives = new Map<string, number>();
  /** TTL every lease is granted with, in seconds. */
  leaseTtlSeconds = 2;
  /** Lifetime of a credential, ms. */
  credentialLifetimeMs = 3_600_000;
  /** When set, the next calls of that method fail with it (cleared by setting undefined). */
  readonly failNext = new Map<string, Failure>();
  /** When set, ReportStatus calls wait for this before answering. */
  reportGate: Promise<void> | undefined;

  /** Starts one more server on a free loopback port serving this control plane. */
  async serve(): Promise<FakeNodeServer> {
    const server = await FakeNodeServer.start(this);
    this.servers.push(server);
    return server;
  }

  /** Stops every server it started. */
  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.kill()));
  }

  /** A bootstrap token for a cell, good for `uses` joins. */
  issueToken(cell: string, uses = 1): string {
    const id = randomBytes(3).toString('hex');
    const token = `${id}.${randomBytes(8).toString('hex')}`;
    this.tokens.set(token, { cell, uses });
    return token;
  }

  /** The node as registered, if it is. */
  node(name: string): { cell: string; facts: NodeFacts; leaseId: string; leaseAlive: boolean; nodeStatus: NodeStatus | undefined } | undefined {
    return this.nodes.get(name);
  }

  /** Plays etcd expiring a node's lease: its next keep-alive is answered with TTL 0. */
  expireLease(node: string): void {
    const n = this.nodes.get(node);
    if (n) n.leaseAlive = false;
  }

  /** Refuses every credential issued so far (as after a key rotation): the next calls are UNAUTHENTICATED. */
  revokeCredentials(): void {
    this.credentials.clear();
  }

  /** Binds a replica to a node, or changes it there: ADDED or MODIFIED on the node's streams. */
  assign(node: string, replica: Replica, timing: { drainSeconds?: number; terminationGraceSeconds?: number } = {}): void {
    const n = this.requireNode(node);
    const key = `${replica.spec?.deployment}/${replica.metadata?.name}`;
    const before = n.replicas.get(key);
    const stored = Replica.fromPartial({ ...replica, metadata: { ...replica.metadata, resourceVersion: (before?.replica.metadata?.resourceVersion ?? 0) + 1 } });
    const entry = { replica: stored, drainSeconds: timing.drainSeconds ?? before?.drainSeconds ?? 0, terminationGraceSeconds: timing.terminationGraceSeconds ?? before?.terminationGraceSeconds ?? 0 };
    n.replicas.set(key, entry);
    this.push(node, { type: before ? AssignmentEventType.ASSIGNMENT_EVENT_TYPE_MODIFIED : AssignmentEventType.ASSIGNMENT_EVENT_TYPE_ADDED, ...entry });
  }

  /** Unbinds a replica (deleted, or moved elsewhere): DELETED on the node's streams. */
  unassign(node: string, deployment: string, name: string): void {
    const n = this.requireNode(node);
    const entry = n.replicas.get(`${deployment}/${name}`);
    if (!entry) return;
    n.replicas.delete(`${deployment}/${name}`);
    this.push(node, { type: AssignmentEventType.ASSIGNMENT_EVENT_TYPE_DELETED, ...entry });
  }

  /** Unbinds a replica without telling the node's open streams: as a change made while the node was disconnected. */
  unassignSilently(node: string, deployment: string, name: string): void {
    this.requireNode(node).replicas.delete(`${deployment}/${name}`);
  }

  /** The replica as the fake holds it, if it is bound to the node. */
  replica(node: string, deployment: string, name: string): Replica | undefined {
    return this.nodes.get(node)?.replicas.get(`${deployment}/${name}`)?.replica;
  }

  /** Assignment streams open for a node now. */
  openWatches(node: string): number {
    return this.watches.get(node)?.size ?? 0;
  }

  // ---- the service -------------------------------------------------------------------------

  implementation(server: FakeNodeServer): NodeServiceServer {
    return {
      join: (call: ServerUnaryCall<JoinRequest, JoinResponse>, cb: sendUnaryData<JoinResponse>) => {
        const facts = call.request.node!;
        this.calls.push(`join ${facts.name}`);
        const failure = this.injected('join');
        if (failure) return cb(serviceError(failure));
        const token = this.tokens.get(call.request.token);
        if (!token || token.uses <= 0) return cb(serviceError({ code: status.UNAUTHENTICATED, details: 'bootstrap token unknown, expired or used up' }));
        token.uses--;
        const credential = this.issueCredential(token.cell, facts.name);
        cb(null, { cell: token.cell, node: facts.name, credential: credential.credential, credentialExpireTime: credential.expireTime, registration: this.register(token.cell, facts) });
      },
      register: (call: ServerUnaryCall<RegisterRequest, RegisterResponse>, cb: sendUnaryData<RegisterResponse>) => {
        const who = this.authenticate(call.metadata);
        this.calls.push(`register ${who?.node ?? '?'}`);
        const failure = this.injected('register') ?? (who ? undefined : UNAUTHENTICATED);
        if (failure) return cb(serviceError(failure));
        if (call.request.node?.name !== who!.node) return cb(serviceError({ code: status.PERMISSION_DENIED, details: `node ${who!.node} may not register node ${call.request.node?.name}` }));
        cb(null, { registration: this.register(who!.cell, call.request.node!) });
      },
      keepAlive: (call: ServerDuplexStream<KeepAliveRequest, KeepAliveResponse>) => {
        const who = this.authenticate(call.metadata);
        if (!who) return call.emit('error', serviceError(UNAUTHENTICATED));
        server.served.add(who.node);
        call.on('data', (request: KeepAliveRequest) => {
          if (server.stalled) return;
          const n = this.nodes.get(who.node);
          if (!n || n.leaseId !== request.leaseId) return call.emit('error', serviceError({ code: status.PERMISSION_DENIED, details: `lease ${request.leaseId} is not node ${who.node}'s` }));
          this.keepAlives.set(who.node, (this.keepAlives.get(who.node) ?? 0) + 1);
          call.write({ leaseId: request.leaseId, ttlSeconds: n.leaseAlive ? this.leaseTtlSeconds : 0 });
        });
        call.on('end', () => call.end());
        call.on('error', () => undefined);
      },
      reportStatus: async (call: ServerUnaryCall<ReportStatusRequest, ReportStatusResponse>, cb: sendUnaryData<ReportStatusResponse>) => {
        const who = this.authenticate(call.metadata);
        this.calls.push(`reportStatus ${who?.node ?? '?'}`);
        const failure = this.injected('reportStatus') ?? (who ? undefined : UNAUTHENTICATED);
        if (failure) return cb(serviceError(failure));
        await this.reportGate;
        const n = this.requireNode(who!.node);
        if (call.request.nodeStatus) n.nodeStatus = call.request.nodeStatus;
        this.batchSizes.push(call.request.replicas.length);
        const skipped: string[] = [];
        for (const report of call.request.replicas) {
          this.reports.push(report);
          const key = `${report.deployment}/${report.name}`;
          const entry = n.replicas.get(key);
          if (!entry || entry.replica.metadata?.uid !== report.uid) {
            skipped.push(key);
            continue;
          }
          this.assign(who!.node, Replica.fromPartial({ ...entry.replica, status: report.status }));
        }
        cb(null, { skipped });
      },
      watchAssignments: (call: WatchCall) => {
        const who = this.authenticate(call.metadata);
        if (!who) return call.emit('error', serviceError(UNAUTHENTICATED));
        let set = this.watches.get(who.node);
        if (!set) this.watches.set(who.node, (set = new Set()));
        set.add(call);
        call.on('cancelled', () => set.delete(call));
        call.on('close', () => set.delete(call));
        for (const entry of this.nodes.get(who.node)?.replicas.values() ?? []) call.write(AssignmentEvent.fromPartial({ type: AssignmentEventType.ASSIGNMENT_EVENT_TYPE_ADDED, ...entry }));
        call.write(AssignmentEvent.fromPartial({ type: AssignmentEventType.ASSIGNMENT_EVENT_TYPE_SYNCED }));
      },
      releaseReplica: (call: ServerUnaryCall<ReleaseReplicaRequest, ReleaseReplicaResponse>, cb: sendUnaryData<ReleaseReplicaResponse>) => {
        const who = this.authenticate(call.metadata);
        this.calls.push(`releaseReplica ${who?.node ?? '?'} ${call.request.deployment}/${call.request.name}`);
        if (!who) return cb(serviceError(UNAUTHENTICATED));
        const entry = this.nodes.get(who.node)?.replicas.get(`${call.request.deployment}/${call.request.name}`);
        if (!entry || entry.replica.metadata?.uid !== call.request.uid || !entry.replica.metadata?.deletionTime) return cb(null, { deleted: false });
        this.unassign(who.node, call.request.deployment, call.request.name);
        cb(null, { deleted: true });
      },
      renewCredential: (call: ServerUnaryCall<unknown, RenewCredentialResponse>, cb: sendUnaryData<RenewCredentialResponse>) => {
        const who = this.authenticate(call.metadata);
        this.calls.push(`renewCredential ${who?.node ?? '?'}`);
        if (!who) return cb(serviceError(UNAUTHENTICATED));
        const credential = this.issueCredential(who.cell, who.node);
        cb(null, { credential: credential.credential, credentialExpireTime: credential.expireTime });
      },
    };
  }

  private issueCredential(cell: string, node: string): { credential: string; expireTime: string } {
    const credential = `cred-${node}-${randomBytes(6).toString('hex')}`;
    const expireTime = new Date(Date.now() + this.credentialLifetimeMs).toISOString();
    this.credentials.set(credential, { cell, node, expireTime });
    return { credential, expireTime };
  }

  private authenticate(md: Metadata): { cell: string; node: string } | undefined {
    const header = String(md.get('authorization')[0] ?? '');
    const found = header.startsWith('Bearer ') ? this.credentials.get(header.slice('Bearer '.length)) : undefined;
    return found && Date.parse(found.expireTime) > Date.now() ? found : undefined;
  }

  private register(cell: string, facts: NodeFacts): Registration {
    const leaseId = String(this.nextLease++);
    const before = this.nodes.get(facts.name);
    this.nodes.set(facts.name, { cell, facts, leaseId, leaseAlive: true, nodeStatus: before?.nodeStatus, replicas: before?.replicas ?? new Map() });
    return { leaseId, leaseTtlSeconds: this.leaseTtlSeconds, node: Node.fromPartial({ metadata: { name: facts.name }, spec: { cell, pool: facts.pool }, status: { leaseId } }) };
  }

  private requireNode(node: string): FakeNode {
    const n = this.nodes.get(node);
    if (!n) throw new Error(`fake control plane: node ${node} never registered`);
    return n;
  }

  private push(node: string, event: Partial<AssignmentEvent>): void {
    for (const call of this.watches.get(node) ?? []) call.write(AssignmentEvent.fromPartial(event));
  }

  private injected(method: string): Failure | undefined {
    const failure = this.failNext.get(method);
    if (failure?.times !== undefined && --failure.times <= 0) this.failNext.delete(method);
    return failure && { code: failure.code, details: failure.details };
  }
}

const UNAUTHENTICATED: Failure = { code: status.UNAUTHENTICATED, details: 'missing or refused credential' };

function serviceError(failure: Failure): Error & { code: status; details: string } {
  return Object.assign(new Error(failure.details), failure);
}

/** One control-plane replica serving a FakeControlPlane. */
export class FakeNodeServer {
  /** Nodes whose keep-alive stream came to this server. */
  readonly served = new Set<string>();
  /** While true, keep-alives sent here are not answered (a stalled replica). */
  stalled = false;
  private port = 0;

  private constructor(private readonly server: Server) {}

  static async start(plane: FakeControlPlane): Promise<FakeNodeServer> {
    const server = new Server();
    const fake = new FakeNodeServer(server);
    server.addService(NodeServiceService, plane.implementation(fake));
    fake.port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));
    return fake;
  }

  /** `127.0.0.1:<port>`, for clients. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Stops at once, breaking every open stream, as a SIGKILLed control plane would. */
  async kill(): Promise<void> {
    this.server.forceShutdown();
  }
}
