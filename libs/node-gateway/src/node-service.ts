import { performance } from 'node:perf_hooks';
import { status, type handleUnaryCall, type Metadata, type ServerDuplexStream, type ServerWritableStream } from '@grpc/grpc-js';
import type { AssignmentEvent, KeepAliveRequest, KeepAliveResponse, NodeServiceServer, WatchAssignmentsRequest } from '@helios/api';
import type { Logger } from '@helios/config';
import { toNodeStatus, unauthenticated } from './node-api-error';
import { bearerCredential, CREDENTIAL_METADATA_KEY, type NodeIdentity } from './node-credential';
import type { AssignmentQueue, NodeGateway } from './node-gateway';

// Keep-alives of one stream forwarded and not yet answered, at most.
const MAX_UNANSWERED_KEEPALIVES = 8;

/** What the gRPC surface of the node API needs besides the gateway. */
export interface NodeServiceOptions {
  /** Opens the bounded send queue of one WatchAssignments stream (the operator Watch's SendQueue). */
  openQueue: (call: ServerWritableStream<WatchAssignmentsRequest, AssignmentEvent>, what: string) => AssignmentQueue;
  /** Told the outcome of every call, and of every single keep-alive of a KeepAlive stream: request metrics. */
  observe?: (method: string, code: status, seconds: number) => void;
  logger: Logger;
}

/** The service implementation, and how a shutdown ends its open streams. */
export interface NodeServiceHandle {
  implementation: NodeServiceServer;
  /**
   * Ends every open KeepAlive and WatchAssignments stream (status OK: the nodes move to another
   * replica) and closes the gateway's keep-alive streams to etcd. Leases are left alone.
   */
  close(): void;
}

/**
 * The NodeService on a grpc-js server: authenticates every call but Join from its
 * `authorization: Bearer <credential>` metadata, runs it on the gateway, and maps failures to
 * their status (a message for the node, never a stack trace). KeepAlive answers each request
 * with etcd's answer to its one forwarded keep-alive; a denied request ends the stream with
 * PERMISSION_DENIED, and a keep-alive etcd could not be asked (its stream to etcd broke) goes
 * unanswered: the node asks again at its next interval.
 */
export function nodeService(gateway: NodeGateway, options: NodeServiceOptions): NodeServiceHandle {
  const { logger } = options;
  const observe = options.observe ?? (() => undefined);
  const keepAlives = new Set<ServerDuplexStream<KeepAliveRequest, KeepAliveResponse>>();

  const authenticate = (metadata: Metadata): Promise<NodeIdentity> => {
    const credential = bearerCredential(metadata.get(CREDENTIAL_METADATA_KEY));
    if (typeof credential !== 'string') return Promise.reject(unauthenticated(credential.error));
    return gateway.authenticate(credential);
  };

  const failed = (method: string, err: unknown, started: number): { code: status; details: string } => {
    const result = toNodeStatus(err);
    observe(method, result.code, (performance.now() - started) / 1000);
    if (result.code === status.INTERNAL) logger.error({ err, method }, `${method} failed: ${result.details}`);
    else logger.debug({ method, code: status[result.code] }, result.details);
    return result;
  };

  function unary<Req, Res>(method: string, handler: (request: Req, metadata: Metadata) => Promise<Res>): handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const started = performance.now();
      // A handler that throws instead of rejecting still answers with a status.
      Promise.resolve().then(() => handler(call.request, call.metadata)).then(
        (response) => {
          observe(method, status.OK, (performance.now() - started) / 1000);
          callback(null, response);
        },
        (err: unknown) => callback(failed(method, err, started)),
      );
    };
  }

  function authed<Req, Res>(method: string, handler: (identity: NodeIdentity, request: Req) => Promise<Res>): handleUnaryCall<Req, Res> {
    return unary(method, async (request: Req, metadata) => handler(await authenticate(metadata), request));
  }

  const keepAlive = (call: ServerDuplexStream<KeepAliveRequest, KeepAliveResponse>): void => {
    let over = false;
    keepAlives.add(call);
    const finish = () => {
      over = true;
      keepAlives.delete(call);
    };
    const fail = (err: unknown, started: number) => {
      if (over) return;
      const { code, details } = failed('KeepAlive', err, started);
      finish();
      call.emit('error', { code, details });
    };
    call.on('cancelled', finish);
    call.on('error', finish);
    call.on('end', () => {
      if (over) return;
      finish();
      call.end();
    });
    const identity = authenticate(call.metadata);
    identity.catch((err: unknown) => fail(err, performance.now()));
    let unanswered = 0;
    call.on('data', (request: KeepAliveRequest) => {
      const started = performance.now();
      // A node sends one keep-alive per interval and gets its answer in milliseconds; one that
      // floods the stream gets no more than a few forwarded at a time (and no memory for the rest).
      if (unanswered >= MAX_UNANSWERED_KEEPALIVES) {
        observe('KeepAlive', status.RESOURCE_EXHAUSTED, 0);
        return;
      }
      unanswered += 1;
      identity
        .then((id) => {
          // A stream outlives a credential only until the credential's expiry.
          if (Date.now() >= id.expiresAt) throw unauthenticated(`node credential of ${id.cell}/${id.node} expired: renew it, or join again`);
          return gateway.keepAlive(id, request.leaseId);
        })
        .finally(() => (unanswered -= 1))
        .then(
          (response) => {
            if (over) return;
            observe('KeepAlive', status.OK, (performance.now() - started) / 1000);
            call.write(response);
          },
          (err: unknown) => {
            // etcd not reachable for this one keep-alive: unanswered, the node asks again.
            if (toNodeStatus(err).code === status.UNAVAILABLE) failed('KeepAlive', err, started);
            else fail(err, started);
          },
        );
    });
  };

  const watchAssignments = (call: ServerWritableStream<WatchAssignmentsRequest, AssignmentEvent>): void => {
    const started = performance.now();
    authenticate(call.metadata)
      .then((identity) => gateway.watchAssignments(identity, options.openQueue(call, `watching the assignments of node ${identity.cell}/${identity.node}`)))
      .then(
        () => {
          observe('WatchAssignments', call.cancelled ? status.CANCELLED : status.OK, (performance.now() - started) / 1000);
          if (!call.cancelled && !call.writableEnded) call.end();
        },
        (err: unknown) => {
          const { code, details } = failed('WatchAssignments', err, started);
          // grpc-js turns an 'error' on a server stream into the call's final status.
          if (!call.cancelled && !call.writableEnded) call.emit('error', { code, details });
        },
      );
  };

  const implementation: NodeServiceServer = {
    join: unary('Join', (request) => gateway.join(request)),
    register: authed('Register', (identity, request) => gateway.register(identity, request)),
    keepAlive,
    reportStatus: authed('ReportStatus', (identity, request) => gateway.reportStatus(identity, request)),
    watchAssignments,
    releaseReplica: authed('ReleaseReplica', (identity, request) => gateway.releaseReplica(identity, request)),
    renewCredential: authed('RenewCredential', (identity) => gateway.renewCredential(identity)),
  };
  return {
    implementation,
    close() {
      for (const call of [...keepAlives]) {
        keepAlives.delete(call);
        if (!call.writableEnded) call.end();
      }
      gateway.close();
    },
  };
}
