/**
 * The machinery of the control plane's gRPC services, for any service it serves (the operator
 * API, the node API): the handlers' error-to-status mapping and metrics, the server's bind and
 * graceful stop, and server streams that follow the shared cache with a bounded send buffer, so
 * one slow client cannot exhaust the server (docs/architecture.md, section 3).
 *
 * - Errors: throw an `ApiError` with the status a client should see; `toStatus` maps it, and the
 *   store's typed errors, to a gRPC status (never a stack trace).
 * - Handlers: `GrpcMetrics.unary` / `.serverStream` turn async functions into grpc-js handlers
 *   with `helios_grpc_*` metrics and that mapping.
 * - Server: `bindGrpcServer`, `shutdownGrpcServer` (a grace period, then cut off).
 * - Streams: `SendQueue` is the send side of one stream, bounded in bytes, cutting a client that
 *   falls behind with RESOURCE_EXHAUSTED; `CachedStreams` serves streams of a kind from the shared
 *   informers through it (fresh as of the stream's start; `endAll` on shutdown). The watch
 *   helpers (`filterChange`, `changedAfter`, `listScope`, `inScope`, `matchesSelector`) shape
 *   Kubernetes-style resource watches.
 *
 * @packageDocumentation
 */
export { ApiError, toStatus } from './api-error';
export { cacheCovers, type KeyVersion } from './cache-coverage';
export { CacheFreshness } from './cache-freshness';
export { CachedStreams, type CachedStream, type CachedStreamsOptions, type ServerStream } from './cached-streams';
export { GrpcMetrics } from './grpc-metrics';
export { bindGrpcServer, shutdownGrpcServer } from './grpc-server-lifecycle';
export { matchesSelector } from './label-selector';
export { sendBufferVerdict, type PendingSends } from './send-buffer';
export { SendQueue, type OutboundStream, type SendQueueOptions } from './send-queue';
export { etcdUnavailable, startInformer } from './start-informer';
export { changedAfter, filterChange, type ChangeEvent } from './watch-filter';
export { inScope, listScope } from './watch-scope';
