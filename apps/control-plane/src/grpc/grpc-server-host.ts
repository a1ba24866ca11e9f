import { Server } from '@grpc/grpc-js';
import { NodeServiceService, OperatorServiceService, type OperatorServiceServer } from '@helios/api';
import { bindGrpcServer, CachedStreams, GrpcMetrics, SendQueue, shutdownGrpcServer } from '@helios/api-server';
import type { Logger } from '@helios/config';
import { BootstrapTokenApi, nodeService, type NodeGateway, type NodeServiceHandle } from '@helios/node-gateway';
import { ReflectionService } from '@grpc/reflection';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HealthImplementation } from 'grpc-health-check';
import { LoadApi } from '../load/load-api';
import { DeploymentActions } from '../operator/deployment-actions';
import { EndpointWatch } from '../operator/endpoint-watch';
import { OperatorApi } from '../operator/operator-api';
import { ResourceWatch } from '../operator/resource-watch';
import type { ControlPlaneConfig } from '../settings';
import { CONFIG, LOGGER, NODE_GATEWAY } from '../tokens';
import { operatorPackageDefinition } from './reflection-package';

/** Fully-qualified name of the operator service, as health checks and reflection know it. */
export const OPERATOR_SERVICE_NAME = 'helios.v1.OperatorService';
export const NODE_SERVICE_NAME = 'helios.v1.NodeService';

// Requests above this are refused by grpc-js before decoding: a resource is at most 256 KiB, so
// 4 MiB leaves room for any legitimate request and none for a memory attack.
const MAX_RECEIVE_BYTES = 4 * 1024 * 1024;
// How long in-flight calls get to finish on shutdown before they are cut off.
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Hosts the grpc-js server inside Nest: the OperatorService and the NodeService (encoded by the
 * ts-proto code, one encoding end to end; every replica serves both), the standard health
 * service and server reflection.
 */
@Injectable()
export class GrpcServerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly server = new Server({ 'grpc.max_receive_message_length': MAX_RECEIVE_BYTES });
  private readonly health = new HealthImplementation({ '': 'SERVING', [OPERATOR_SERVICE_NAME]: 'SERVING', [NODE_SERVICE_NAME]: 'SERVING' });
  private readonly nodes: NodeServiceHandle;
  private boundPort = 0;

  constructor(
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(OperatorApi) api: OperatorApi,
    @Inject(ResourceWatch) watch: ResourceWatch,
    @Inject(DeploymentActions) actions: DeploymentActions,
    @Inject(EndpointWatch) endpoints: EndpointWatch,
    @Inject(CachedStreams) private readonly streams: CachedStreams,
    @Inject(LoadApi) load: LoadApi,
    @Inject(GrpcMetrics) metrics: GrpcMetrics,
    @Inject(NODE_GATEWAY) private readonly gateway: NodeGateway,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const tokens = new BootstrapTokenApi(gateway.tokens);
    const implementation: OperatorServiceServer = {
      apply: metrics.unary('Apply', (request) => api.apply(request)),
      get: metrics.unary('Get', (request) => api.get(request)),
      list: metrics.unary('List', (request) => api.list(request)),
      watch: metrics.serverStream('Watch', (call) => watch.watch(call)),
      delete: metrics.unary('Delete', (request) => api.delete(request)),
      scale: metrics.unary('Scale', (request) => actions.scale(request)),
      rollout: metrics.unary('Rollout', (request) => actions.rollout(request)),
      watchEndpoints: metrics.serverStream('WatchEndpoints', (call) => endpoints.watch(call)),
      createBootstrapToken: metrics.unary('CreateBootstrapToken', (request) => tokens.create(request)),
      listBootstrapTokens: metrics.unary('ListBootstrapTokens', (request) => tokens.list(request)),
      deleteBootstrapToken: metrics.unary('DeleteBootstrapToken', (request) => tokens.delete(request)),
      reportLoad: metrics.unary('ReportLoad', (request) => load.reportLoad(request)),
      streamLoad: metrics.clientStream('StreamLoad', (call) => load.streamLoad(call)),
      requestReplicas: metrics.unary('RequestReplicas', (request) => load.requestReplicas(request)),
    };
    this.server.addService(OperatorServiceService, implementation);
    this.nodes = nodeService(gateway, {
      openQueue: (call, what) => new SendQueue(call, { boundBytes: config.watchBufferBytes, what }),
      observe: (method, code, seconds) => metrics.observe(method, code, seconds),
      logger: logger.child({ service: 'NodeService' }),
    });
    this.server.addService(NodeServiceService, this.nodes.implementation);
    this.health.addToServer(this.server);
    new ReflectionService(operatorPackageDefinition()).addToServer(this.server);
  }

  /** The port the server listens on (the real one when the setting asked for port 0). */
  get port(): number {
    return this.boundPort;
  }

  async onApplicationBootstrap(): Promise<void> {
    // Not awaited: etcd may be away at start; the first node call that needs it retries.
    this.gateway.start().catch((err: unknown) => this.logger.warn({ err }, 'node API not ready yet; retried on the first node call'));
    const addr = this.config.grpcAddr;
    this.boundPort = await bindGrpcServer(this.server, addr);
    this.logger.info({ addr, port: this.boundPort }, 'gRPC API listening');
  }

  /** Stops taking calls: health says NOT_SERVING, open watches end, in-flight calls get a grace period. */
  async beforeApplicationShutdown(): Promise<void> {
    this.health.setStatus('', 'NOT_SERVING');
    this.health.setStatus(OPERATOR_SERVICE_NAME, 'NOT_SERVING');
    this.health.setStatus(NODE_SERVICE_NAME, 'NOT_SERVING');
    this.streams.endAll();
    this.nodes.close();
    await shutdownGrpcServer(this.server, SHUTDOWN_GRACE_MS, this.logger);
    this.logger.info('gRPC API stopped');
  }
}
