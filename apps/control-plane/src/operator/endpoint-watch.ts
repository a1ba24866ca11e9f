import type { ServerWritableStream } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { metaOf, type Endpoint, type WatchEndpointsRequest, type WatchEndpointsResponse } from '@helios/api';
import type { Logger } from '@helios/config';
import { Informer, type Keys } from '@helios/store';
import { describeErrors, validateName } from '@helios/validation';
import { Inject, Injectable } from '@nestjs/common';
import { EtcdConnection } from '../etcd-connection';
import { KEYS, LOGGER } from '../tokens';
import { ApiError } from './api-error';
import { endpointChange, endpointOf } from './endpoints';
import { startInformer } from './start-informer';

/**
 * WatchEndpoints: the serving (Ready) replicas of one deployment for routers, as a full snapshot
 * (reset) and then one message per change. Follows the replicas through an informer.
 */
@Injectable()
export class EndpointWatch {
  private readonly streams = new Set<ServerWritableStream<WatchEndpointsRequest, WatchEndpointsResponse>>();

  constructor(
    @Inject(EtcdConnection) private readonly etcd: EtcdConnection,
    @Inject(KEYS) private readonly keys: Keys,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Streams until the client cancels or the server stops. */
  async watch(call: ServerWritableStream<WatchEndpointsRequest, WatchEndpointsResponse>): Promise<void> {
    const deployment = call.request.deployment;
    const errors = validateName('deployment', deployment);
    if (errors.length > 0) throw new ApiError(status.INVALID_ARGUMENT, describeErrors('Deployment', deployment, errors));
    const informer = new Informer(this.etcd.client, this.keys, 'replica', {
      parent: deployment,
      onError: (err) => this.logger.warn({ err, deployment }, 'endpoint informer recovered from an error'),
    });
    const current = new Map<string, Endpoint>();
    let live = false;
    const send = (message: WatchEndpointsResponse) => {
      if (!call.cancelled && !call.writableEnded) call.write(message);
    };
    const unsubscribe = informer.on((event) => {
      if (!live) return;
      const name = metaOf(event.object).name;
      const after = event.type === 'deleted' ? undefined : endpointOf(event.object);
      const change = endpointChange(current.get(name), after);
      if (change.added.length === 0 && change.removed.length === 0) return;
      if (after) current.set(name, after);
      else current.delete(name);
      send({ reset: false, ...change });
    });
    this.streams.add(call);
    const ended = new Promise<void>((resolve) => {
      for (const event of ['cancelled', 'finish', 'close', 'error']) call.on(event, () => resolve());
    });
    try {
      await startInformer(informer, `watching the endpoints of deployment ${deployment}`);
      for (const replica of informer.list()) {
        const endpoint = endpointOf(replica);
        if (endpoint) current.set(endpoint.replica, endpoint);
      }
      live = true;
      send({ reset: true, added: [...current.values()].sort((a, b) => a.replica.localeCompare(b.replica)), removed: [] });
      await ended;
    } finally {
      unsubscribe();
      this.streams.delete(call);
      await informer.stop();
    }
  }

  /** Ends every open stream cleanly, so a server shutdown need not wait for routers. */
  endAll(): void {
    for (const call of this.streams) if (!call.writableEnded) call.end();
  }
}
