import type { Logger } from '@helios/config';
import { Keys, ResourceStore } from '@helios/store';
import { Module, type DynamicModule } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { EtcdConnection } from './etcd-connection';
import { GrpcMetrics } from './grpc/grpc-metrics';
import { GrpcServerHost } from './grpc/grpc-server-host';
import { HealthzEndpoint } from './http/healthz-endpoint';
import { MetricsEndpoint } from './http/metrics-endpoint';
import { ControlPlaneLeadership } from './leadership/control-plane-leadership';
import { DeploymentActions } from './operator/deployment-actions';
import { EndpointWatch } from './operator/endpoint-watch';
import { OperatorApi } from './operator/operator-api';
import type { ControlPlaneConfig } from './settings';
import { CONFIG, KEYS, LOGGER, METRICS_REGISTRY, RESOURCE_STORE } from './tokens';

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
        EtcdConnection,
        GrpcMetrics,
        OperatorApi,
        DeploymentActions,
        EndpointWatch,
        GrpcServerHost,
        ControlPlaneLeadership,
      ],
    };
  }
}
