import { NodeChannels } from '@helios/node-client';
import { NodeApiServer, type NodeApiServerDeps } from './node-api-server';
import { SimNodeFleet, type SimNodeFleetOptions } from './sim-node-fleet';
import { SimNodeTokens } from './sim-node-tokens';
import type { SimProvider } from './sim-provider';

/** A SimNodeFleet joined to a node API served in the same process, and how to take both down. */
export interface InProcessFleet {
  fleet: SimNodeFleet;
  nodeApi: NodeApiServer;
  channels: NodeChannels;
  tokens: SimNodeTokens;
  /** Stops the fleet (not started by this), then the channels and the node API. */
  close(): Promise<void>;
}

/**
 * Serves the node API in this process (NodeApiServer) and builds a SimNodeFleet whose nodes join
 * it: for specs that run cell agents and simulated nodes without a control-plane process. The
 * fleet marks preemption notices through `deps.store`.
 */
export async function inProcessFleet(deps: NodeApiServerDeps, provider: SimProvider, options: SimNodeFleetOptions = {}): Promise<InProcessFleet> {
  const nodeApi = await NodeApiServer.start(deps);
  const channels = new NodeChannels();
  const tokens = new SimNodeTokens((cell, uses) => nodeApi.token(cell, uses));
  const fleet = new SimNodeFleet({ addresses: [nodeApi.address], tokens, channels, store: deps.store, logger: deps.logger }, provider, options);
  return {
    fleet,
    nodeApi,
    channels,
    tokens,
    async close() {
      await fleet.stop();
      channels.close();
      await nodeApi.stop();
    },
  };
}
