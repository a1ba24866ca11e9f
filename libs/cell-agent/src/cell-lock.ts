/**
 * Serializes the decisions of one cell that read GPU holdings and then act on them: binding
 * replicas to nodes, and choosing idle nodes to give back. Without it the pool reconciler could
 * pick a node as idle while the binder, a moment earlier, bound a replica to it (each from its own
 * read of the caches), and terminate a busy node. Both run in the leading cell agent's process, so
 * an in-process lock is enough; a deposed leader's writes are refused by the fence.
 */
export class CellLock {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `fn` once every earlier holder has finished; resolves or rejects with its result. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
