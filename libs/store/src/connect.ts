import { Etcd3 } from 'etcd3';

/**
 * Builds an etcd3 client for the given endpoints; the one place in Helios that does.
 *
 * The channel pings at most every 10 s and only while calls are open: etcd answers pings more
 * frequent than its `--grpc-keepalive-min-time` (5 s) or pings on an idle channel with
 * GOAWAY ENHANCE_YOUR_CALM, which would break every watch and keep-alive stream at once.
 */
export function connectEtcd(endpoints: string | string[]): Etcd3 {
  const hosts = (Array.isArray(endpoints) ? endpoints : endpoints.split(','))
    .map((host) => host.trim())
    .filter((host) => host.length > 0);
  if (hosts.length === 0) throw new Error('connectEtcd: no etcd endpoint given');
  return new Etcd3({
    hosts,
    grpcOptions: {
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 0,
      // A list of 10,000 nodes in one page can pass grpc-js's 4 MiB default.
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    },
  });
}
