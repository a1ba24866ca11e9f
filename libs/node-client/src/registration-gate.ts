import { TokenBucket, type RateLimit } from './token-bucket';

/**
 * Paces the registrations (Join, Register) of every node client that shares it: the nodes of
 * one process (a simulated fleet) take their turn from one token bucket. When etcd expires
 * thousands of leases at once, their nodes register again at this rate instead of all at once,
 * which keeps the re-registrations from loading the control plane and etcd into losing more
 * leases (docs/architecture.md, the node API). Default: 200 per second, bursts of 50.
 */
export class RegistrationGate {
  private readonly bucket: TokenBucket;

  constructor(
    limit: RateLimit = { perSecond: 200, burst: 50 },
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.bucket = new TokenBucket(limit);
  }

  /** Resolves when it is this caller's turn (at once when the bucket has a token), or when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<void> {
    const wait = this.bucket.reserve(this.clock());
    if (wait === 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, wait);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
