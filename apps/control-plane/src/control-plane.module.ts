import { CachedStreams, GrpcMetrics } from '@helios/api-server';
import type { Logger } from '@helios/config';
import { NodeGateway } from '@helios/node-gateway';
import { connectEtcd, Keys, ResourceStore } from '@helios/store';
import { Module, type DynamicModule } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { EtcdConnection } from './etcd-connection';
import { GrpcServerHost } from './grpc/grpc-server-host';
import { HealthzEndpoint } from './http/healthz-endpoint';
import { MetricsEndpoint } from './http/metrics-endpoint';
import { ControlPlaneLeadership } from './leadership/control-plane-leadership';
import { LoadApi } from './load/load-api';
import { DeploymentActions } from './operator/deployment-actions';
import { EndpointWatch } from './operator/endpoint-watch';
import { OperatorApi } from './operator/operator-api';
import { ResourceWatch } from './operator/resource-watch';
import type { ControlPlaneConfig } from './settings';
import { CONFIG, KEYS, LOGGER, METRICS_REGISTRY, NODE_GATEWAY, RESOURCE_STORE } from './tokens';

/**
 * The control plane's composition root: etcd client, store, gRPC API, leadership with its
 * controllers, and the HTTP endpoints for metrics and health.
 */
@Module({})
export class ControlPlaneModule {
  static forRoot(config: ControlPlaneConfig, logger: Logger): DynamicModule {
    return {
      module: ControlPlaneModule,
      controllers: [MetricsEndpoint, HealthzEndpoint],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: KEYS, useFactory: () => new Keys(config.root) },
        { provide: RESOURCE_STORE, useFactory: (etcd: EtcdConnection, keys: Keys) => new ResourceStore(etcd.client, keys), inject: [EtcdConnection, KEYS] },
        {
          provide: METRICS_REGISTRY,
          // One registry per instance, so two control planes in one process (tests) do not collide.
          useFactory: () => {
            const registry = new Registry();
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
        { provide: GrpcMetrics, useFactory: (registry: Registry) => new GrpcMetrics(registry, logger), inject: [METRICS_REGISTRY] },
        {
          // Watch and WatchEndpoints streams, from the shared cache, each with a bounded send buffer.
          provide: CachedStreams,
          useFactory: (etcd: EtcdConnection, keys: Keys) =>
            new CachedStreams({
              client: etcd.client,
              keys,
              informers: etcd.informers,
              logger,
              boundBytes: config.watchBufferBytes,
              boundSetting: '--watch-buffer-bytes',
              recovery: "read faster, or list again and watch from the list's resourceVersion",
            }),
          inject: [EtcdConnection, KEYS],
        },
        {
          provide: NODE_GATEWAY,
          // A node's lease TTL request is clamped to etcd's 2 s minimum and a 60 s maximum.
          useFactory: (etcd: EtcdConnection, keys: Keys, store: ResourceStore) =>
            new NodeGateway(
              { client: etcd.client, keys, store, informers: etcd.informers, logger: logger.child({ service: 'NodeService' }), connectMember: connectEtcd },
              { leaseTtl: { defaultSeconds: config.defaultNodeLeaseTtl, minSeconds: 2, maxSeconds: 60 }, credentialTtlSeconds: config.nodeCredentialTtl },
            ),
          inject: [EtcdConnection, KEYS, RESOURCE_STORE],
        },
        EtcdConnection,
        OperatorApi,
        ResourceWatch,
        DeploymentActions,
        EndpointWatch,
        LoadApi,
        GrpcServerHost,
        ControlPlaneLeadership,
      ],
    };
  }
}
