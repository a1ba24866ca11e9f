import type { ReplicaLoad } from '@helios/api';

/**
 * Counts the requests the router has in flight on each upstream replica and those it sent since
 * the last look, for the load reports. The router sees every request it sends, so its count is
 * the replica's in-flight load as far as this router goes (other routers report their own share;
 * the autoscaler adds them up).
 *
 * Example: a request to r1 starts at 0 ms, another at 200 ms, the first ends at 600 ms; at
 * 1,000 ms `take` says r1: 1 in flight, 2 requests over 1 s = 2/s.
 */
export class LoadTracker {
  private readonly inFlight = new Map<string, number>();
  private readonly started = new Map<string, number>();
  private since: number;

  constructor(now: number) {
    this.since = now;
  }

  /** Counts a request sent to `replica`; call the returned function once when it is over. */
  start(replica: string): () => void {
    this.inFlight.set(replica, (this.inFlight.get(replica) ?? 0) + 1);
    this.started.set(replica, (this.started.get(replica) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.inFlight.get(replica) ?? 1) - 1;
      if (left > 0) this.inFlight.set(replica, left);
      else this.inFlight.delete(replica);
    };
  }

  /** The load on each of `replicas` now, requests/s since the last take; starts the next interval. */
  take(replicas: readonly string[], now: number): ReplicaLoad[] {
    const seconds = Math.max(0.001, (now - this.since) / 1000);
    const loads = replicas.map((replica) => ({
      replica,
      inFlight: this.inFlight.get(replica) ?? 0,
      queueDepth: 0,
      requestsPerSecond: (this.started.get(replica) ?? 0) / seconds,
      gauges: {},
    }));
    this.started.clear();
    this.since = now;
    return loads;
  }
}
