import { Server, ServerCredentials, type ServerWritableStream } from '@grpc/grpc-js';
import { CreateBootstrapTokenRequest, NodeServiceService, type AssignmentEvent, type WatchAssignmentsRequest } from '@helios/api';
import { createLogger, type Logger } from '@helios/config';
import { NodeGateway, nodeService, resolveTokenRequest, type AssignmentQueue } from '@helios/node-gateway';
import { SharedInformers, type Etcd3, type Keys, type ResourceStore } from '@helios/store';

/** What an in-process node API serves from. */
export interface NodeApiServerDeps {
  client: Etcd3;
  keys: Keys;
  store: ResourceStore;
  logger?: Logger;
}

/**
 * The control plane's node API (libs/node-gateway's NodeService) on a loopback port of this
 * process, over its own informers: for specs that run cell agents and simulated nodes in one
 * process without a control-plane process. `token(cell)` makes a bootstrap token through the
 * gateway's own token store (many joins), as `helios token create` would.
 */
export class NodeApiServer {
  private constructor(
    private readonly server: Server,
    private readonly gateway: NodeGateway,
    private readonly informers: SharedInformers,
    private readonly close: () => void,
    readonly address: string,
  ) {}

  static async start(deps: NodeApiServerDeps): Promise<NodeApiServer> {
    const logger = deps.logger ?? createLogger('node-api', 'warn');
    const informers = new SharedInformers(deps.client, deps.keys);
    const gateway = new NodeGateway({ client: deps.client, keys: deps.keys, store: deps.store, informers, logger }, { leaseTtl: { defaultSeconds: 5, minSeconds: 2, maxSeconds: 60 } });
    await gateway.start();
    const handle = nodeService(gateway, { openQueue: (call) => new DirectQueue(call), logger });
    const server = new Server();
    server.addService(NodeServiceService, handle.implementation);
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    return new NodeApiServer(server, gateway, informers, () => handle.close(), `127.0.0.1:${port}`);
  }

  /** A bootstrap token of `cell` good for `uses` joins (at most the gateway's limit). */
  async token(cell: string, uses = 1_000): Promise<string> {
    const spec = resolveTokenRequest(CreateBootstrapTokenRequest.fromPartial({ cell, uses, description: 'in-process node API' }));
    if (Array.isArray(spec)) throw new Error(`bootstrap token for ${cell}: ${spec.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    return (await this.gateway.tokens.create(spec)).token;
  }

  /** Ends every stream and stops serving. */
  async stop(): Promise<void> {
    this.close();
    this.server.forceShutdown();
    await this.informers.stop();
  }
}

/** An unbounded send queue: what a handful of in-process test nodes need of the operator Watch's SendQueue. */
class DirectQueue implements AssignmentQueue {
  closed = false;
  readonly done: Promise<void>;
  private finish!: () => void;

  constructor(private readonly call: ServerWritableStream<WatchAssignmentsRequest, AssignmentEvent>) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    const over = () => {
      this.closed = true;
      this.finish();
    };
    call.on('cancelled', over);
    call.on('close', over);
    call.on('error', over);
  }

  sendSnapshot(messages: Iterable<AssignmentEvent>): void {
    for (const message of messages) this.write(message);
  }

  send(message: AssignmentEvent): void {
    this.write(message);
  }

  end(): void {
    if (!this.closed && !this.call.writableEnded) this.call.end();
    this.closed = true;
    this.finish();
  }

  private write(message: AssignmentEvent): void {
    if (!this.closed) this.call.write(message);
  }
}
