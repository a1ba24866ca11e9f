import { ServerCredentials, type Server } from '@grpc/grpc-js';
import type { Logger } from '@helios/config';

/** Binds a grpc-js server to `host:port` without TLS; resolves with the real port (port 0 picks a free one). */
export function bindGrpcServer(server: Server, addr: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.bindAsync(addr, ServerCredentials.createInsecure(), (err, port) => (err ? reject(new Error(`binding the gRPC API to ${addr}`, { cause: err })) : resolve(port)));
  });
}

/**
 * Stops a grpc-js server: it takes no new calls, and the calls in flight get `graceMs` to finish
 * before they are cut off, so one client that never ends its call cannot hold a shutdown up.
 * End the server's open streams first (CachedStreams.endAll), or they use up the grace period.
 */
export function shutdownGrpcServer(server: Server, graceMs: number, logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      logger.warn({ graceMs }, 'gRPC calls still open after the grace period; cutting them off');
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
