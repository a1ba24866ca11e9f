import type { ServerWritableStream } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { metaOf, WatchEndpointsResponse, type Endpoint, type WatchEndpointsRequest } from '@helios/api';
import type { Logger } from '@helios/config';
import { BY_DEPLOYMENT, type Keys } from '@helios/store';
import { describeErrors, validateName } from '@helios/validation';
import { Inject, Injectable } from '@nestjs/common';
import { EtcdConnection } from '../etcd-connection';
import type { ControlPlaneConfig } from '../settings';
import { CONFIG, KEYS, LOGGER } from '../tokens';
import { ApiError } from './api-error';
import { CacheFreshness } from './cache-freshness';
import { endpointChange, endpointOf } from './endpoints';
import { SendQueue } from './send-queue';
import { startInformer } from './start-informer';

/**
 * WatchEndpoints: the serving (Ready) replicas of one deployment for routers, as a full snapshot
 * (reset) and then one message per change. Served from the process's shared replica cache (its
 * byDeployment index), once that cache holds every write committed when the stream opened; a
 * router that falls behind by more than --watch-buffer-bytes is cut with RESOURCE_EXHAUSTED.
 */
@Injectable()
export class EndpointWatch {
  private readonly streams = new Set<SendQueue<WatchEndpointsResponse>>();
  private readonly freshness: CacheFreshness;

  constructor(
    @Inject(EtcdConnection) private readonly etcd: EtcdConnection,
    @Inject(KEYS) keys: Keys,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.freshness = new CacheFreshness(etcd.client, keys, logger);
  }

  /** Streams until the client cancels or the server stops. */
  async watch(call: ServerWritableStream<WatchEndpointsRequest, WatchEndpointsResponse>): Promise<void> {
    const deployment = call.request.deployment;
    const errors = validateName('deployment', deployment);
    if (errors.length > 0) throw new ApiError(status.INVALID_ARGUMENT, describeErrors('Deployment', deployment, errors));
    const what = `watching the endpoints of deployment ${deployment}`;
    const queue = new SendQueue(call, {
      boundBytes: this.config.watchBufferBytes,
      what,
      onCut: (pending) => this.logger.warn({ deployment, peer: call.getPeer(), ...pending }, `${what}: client fell behind; stream cut`),
    });
    const send = (message: WatchEndpointsResponse) => queue.send(message, WatchEndpointsResponse.encode(message).finish().length);
    this.streams.add(queue);
    try {
      const informer = this.etcd.informers.informer('replica');
      await startInformer(informer, what);
      await Promise.race([this.freshness.reach(informer, 'replica', deployment, what), queue.done]);
      if (queue.closed) return;
      const current = new Map<string, Endpoint>();
      // Subscribed and listed in one step: every change the snapshot does not hold is an event after it.
      const unsubscribe = informer.on((event) => {
        if (event.object.spec?.deployment !== deployment) return;
        const name = metaOf(event.object).name;
        const after = event.type === 'deleted' ? undefined : endpointOf(event.object);
        const change = endpointChange(current.get(name), after);
        if (change.added.length === 0 && change.removed.length === 0) return;
        if (after) current.set(name, after);
        else current.delete(name);
        send({ reset: false, ...change });
      });
      try {
        for (const replica of informer.byIndex(BY_DEPLOYMENT, deployment)) {
          const endpoint = endpointOf(replica);
          if (endpoint) current.set(endpoint.replica, endpoint);
        }
        send({ reset: true, added: [...current.values()].sort((a, b) => a.replica.localeCompare(b.replica)), removed: [] });
        await queue.done;
      } finally {
        unsubscribe();
      }
    } finally {
      this.streams.delete(queue);
    }
  }

  /** Ends every open stream cleanly, so a server shutdown need not wait for routers. */
  endAll(): void {
    for (const queue of this.streams) queue.end();
  }
}
