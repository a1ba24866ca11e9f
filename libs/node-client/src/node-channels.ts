import { credentials, type ChannelOptions } from '@grpc/grpc-js';
import { NodeServiceClient } from '@helios/api';

// A control-plane replica that comes back (restarted, or its host back on the network) is tried
// again within a second or two: grpc-js's defaults (1 s doubling to 120 s) could leave a node
// away from an address for minutes, far beyond a lease TTL.
const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 2_000,
  'grpc.enable_retries': 0,
  // Thousands of simulated nodes' streams share a channel: no per-call channelz bookkeeping.
  'grpc.enable_channelz': 0,
};

/**
 * The gRPC channels to the control plane, one per address. A real host owns one set; the
 * simulated nodes of one process share one (an option of NodeClient), so 10,000 nodes are a
 * handful of HTTP/2 connections, each node still with its own credential and streams.
 */
export class NodeChannels {
  private readonly clients = new Map<string, NodeServiceClient>();
  private closed = false;

  constructor(private readonly options: ChannelOptions = {}) {}

  /** The client of an address, created on first use. */
  client(address: string): NodeServiceClient {
    if (this.closed) throw new Error(`node channels are closed (asked for ${address})`);
    let client = this.clients.get(address);
    if (!client) {
      client = new NodeServiceClient(address, credentials.createInsecure(), { ...CHANNEL_OPTIONS, ...this.options });
      this.clients.set(address, client);
    }
    return client;
  }

  /** Closes every channel; calls still open on them end with CANCELLED. */
  close(): void {
    this.closed = true;
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
