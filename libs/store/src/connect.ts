import { noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';

/**
 * Builds an etcd3 client for the given endpoints; the one place in Helios that does.
 *
 * The channel pings at most every 10 s and only while calls are open: etcd answers pings more
 * frequent than its `--grpc-keepalive-min-time` (5 s) or pings on an idle channel with
 * GOAWAY ENHANCE_YOUR_CALM, which would break every watch and keep-alive stream at once.
 *
 * No per-host circuit breaker: etcd3's default opens after three failed calls and then refuses
 * every call to that host for 5 s. An etcd restart takes about a second, and fails far more than
 * three calls on every member at once; the breakers then kept keep-alives from reaching etcd for
 * a whole lease TTL after it was back (seen in the failover benchmark: 1,352 false failures at
 * 10,000 nodes). The global retry policy stays; reconnects are paced by our own back-off.
 */
export function connectEtcd(endpoints: string | string[]): Etcd3 {
  const hosts = (Array.isArray(endpoints) ? endpoints : endpoints.split(','))
    .map((host) => host.trim())
    .filter((host) => host.length > 0);
  if (hosts.length === 0) throw new Error('connectEtcd: no etcd endpoint given');
  return new Etcd3({
    hosts,
    faultHandling: { host: () => noop },
    grpcOptions: {
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 0,
      // A list of 10,000 nodes in one page can pass grpc-js's 4 MiB default.
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    },
  });
}
