/** What a reconcile asks of the queue when it succeeds. */
export interface ReconcileResult {
  /** Look at the key again after this many ms even if nothing changes (e.g. a deadline to check). */
  requeueAfter?: number;
}

/** What a reconcile gets beside its key. */
export interface ReconcileContext {
  /** Aborts when the controller stops (leadership lost, shutdown). */
  readonly signal: AbortSignal;
  /**
   * Records a write of this reconcile (the revision it was made at and the etcd key written), so
   * the key is not decided on again until the caches hold it. Pass it to every store write as
   * `onWritten`; a deletion counts too.
   */
  readonly wrote: (revision: number, writtenKey: string) => void;
  /**
   * Resolves once the caches hold every write recorded so far (or the wait went stale): for a
   * decision that another controller makes under the same lock and must see these writes.
   */
  readonly caughtUp: () => Promise<void>;
}

/**
 * A control loop: informer caches feed a work queue that calls `reconcile(key)` (docs/conventions.md, rule 4).
 * Reconcile is level-triggered: it gets only the key, never the event, and reads the current
 * state itself, so a missed or merged event cannot leave things wrong.
 */
export interface Controller {
  /** Stable name, used in logs and metric labels: `cell-liveness`. */
  readonly name: string;
  /**
   * Runs the loop (informers, queue, workers) until `signal` aborts, then stops it and resolves.
   * Rejecting means the loop broke; the registry restarts it with backoff while still leader.
   */
  start(signal: AbortSignal): Promise<void>;
  /**
   * Brings one object to its desired state. Throwing retries the key with backoff, except a
   * {@link TerminalError}, which is logged and dropped until the next change of the key.
   */
  reconcile(key: string, ctx?: ReconcileContext): Promise<ReconcileResult | void>;
}

/** A reconcile failure that retrying cannot fix (invalid object, unsupported provider). */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

/** True when the error is a TerminalError. */
export function isTerminal(err: unknown): err is TerminalError {
  return err instanceof TerminalError;
}
