import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createLogger, parseHostPort, type Logger } from '@helios/config';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ControlPlaneModule } from './control-plane.module';
import { GrpcServerHost } from './grpc/grpc-server-host';
import { NestPinoLogger } from './nest-logger';
import type { ControlPlaneConfig } from './settings';

/** A running control plane. */
export interface RunningControlPlane {
  app: INestApplication;
  /** The port of the gRPC API and of the HTTP metrics endpoint (real ones when 0 was asked). */
  grpcPort: number;
  metricsPort: number;
  /** Stops it: gRPC server, controllers, leadership (resigned), HTTP server, etcd client. */
  close(): Promise<void>;
}

/** Boots the control plane's Nest application and starts serving. */
export async function startControlPlane(config: ControlPlaneConfig, logger: Logger = createLogger('control-plane')): Promise<RunningControlPlane> {
  const metrics = parseHostPort(config.metricsAddr, '--metrics-addr');
  parseHostPort(config.grpcAddr, '--grpc-addr');
  const app = await NestFactory.create(ControlPlaneModule.forRoot(config, logger), { logger: new NestPinoLogger(logger), abortOnError: false });
  try {
    await app.listen(metrics.port, metrics.host);
  } catch (err) {
    await app.close().catch(() => undefined);
    throw new Error(`starting the control plane (metrics on ${config.metricsAddr}, gRPC on ${config.grpcAddr})`, { cause: err });
  }
  const metricsPort = (app.getHttpServer().address() as AddressInfo).port;
  const grpcPort = app.get(GrpcServerHost).port;
  logger.info({ id: config.id, grpcPort, metricsPort, etcd: config.etcd, root: config.root }, 'control plane started');
  return { app, grpcPort, metricsPort, close: () => app.close() };
}
