import type { ServerWritableStream } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { metaOf, WatchEndpointsResponse, type Endpoint, type WatchEndpointsRequest } from '@helios/api';
import { ApiError, CachedStreams } from '@helios/api-server';
import { endpointChange, endpointOf } from '@helios/replica-lifecycle';
import { BY_DEPLOYMENT } from '@helios/store';
import { describeErrors, validateName } from '@helios/validation';
import { Inject, Injectable } from '@nestjs/common';

/**
 * WatchEndpoints: the serving (Ready) replicas of one deployment for routers, as a full snapshot
 * (reset) and then one message per change. Served from the process's shared replica cache (its
 * byDeployment index), once that cache holds every write committed when the stream opened; a
 * router that falls behind by more than --watch-buffer-bytes is cut with RESOURCE_EXHAUSTED.
 */
@Injectable()
export class EndpointWatch {
  constructor(@Inject(CachedStreams) private readonly streams: CachedStreams) {}

  /** Streams until the client cancels or the server stops. */
  async watch(call: ServerWritableStream<WatchEndpointsRequest, WatchEndpointsResponse>): Promise<void> {
    const deployment = call.request.deployment;
    const errors = validateName('deployment', deployment);
    if (errors.length > 0) throw new ApiError(status.INVALID_ARGUMENT, describeErrors('Deployment', deployment, errors));
    const current = new Map<string, Endpoint>();
    const bytes = (message: WatchEndpointsResponse) => WatchEndpointsResponse.encode(message).finish().length;
    await this.streams.serve(call, {
      what: `watching the endpoints of deployment ${deployment}`,
      kind: 'replica',
      parent: deployment,
      logFields: { deployment },
      subscribe: (informer, queue) =>
        informer.on((event) => {
          if (event.object.spec?.deployment !== deployment) return;
          const name = metaOf(event.object).name;
          const after = event.type === 'deleted' ? undefined : endpointOf(event.object);
          const change = endpointChange(current.get(name), after);
          if (change.added.length === 0 && change.removed.length === 0) return;
          if (after) current.set(name, after);
          else current.delete(name);
          const message = { reset: false, ...change };
          queue.send(message, bytes(message));
        }),
      snapshot: (informer, queue) => {
        for (const replica of informer.byIndex(BY_DEPLOYMENT, deployment)) {
          const endpoint = endpointOf(replica);
          if (endpoint) current.set(endpoint.replica, endpoint);
        }
        const message = { reset: true, added: [...current.values()].sort((a, b) => a.replica.localeCompare(b.replica)), removed: [] };
        queue.send(message, bytes(message));
      },
    });
  }
}
