import { sampleValue } from '../../shared/prometheus-text';

/** Watches etcd holds, summed over its members. */
export interface EtcdWatchCount {
  /** Watchers (one per watched range of a client): `etcd_debugging_mvcc_watcher_total`. */
  watchers: number;
  /** gRPC Watch streams (a client multiplexes its watchers over a few): `etcd_debugging_mvcc_watch_stream_total`. */
  streams: number;
}

/**
 * Reads the watch gauges from every member's /metrics (etcd serves them on its client URL) and
 * sums them: each member counts the watches of the clients connected to it. Rejects when a
 * member does not answer or lacks a gauge, rather than count it as 0.
 */
export async function etcdWatchCount(endpoints: readonly string[]): Promise<EtcdWatchCount> {
  const count: EtcdWatchCount = { watchers: 0, streams: 0 };
  for (const endpoint of endpoints) {
    const text = await (await fetch(`${endpoint}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const watchers = sampleValue(text, 'etcd_debugging_mvcc_watcher_total');
    const streams = sampleValue(text, 'etcd_debugging_mvcc_watch_stream_total');
    if (watchers === undefined || streams === undefined) throw new Error(`etcd at ${endpoint} reports no etcd_debugging_mvcc_watcher_total / _watch_stream_total`);
    count.watchers += watchers;
    count.streams += streams;
  }
  return count;
}
