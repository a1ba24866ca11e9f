import type { ReconcileContext } from '@helios/controller-runtime';
import type { Fence, WriteOptions } from '@helios/store';

/**
 * How one reconcile of the cell agent writes: fenced by the agent's leadership, each write
 * recorded for read-your-writes, and `caughtUp()` to wait, under the cell lock, until the caches
 * hold those writes (so the binder never binds to a node a scale-down has just begun to drain).
 */
export interface CellWrites {
  options(): WriteOptions;
  caughtUp(): Promise<void>;
}

/** The writes of a reconcile run by the manager (`ctx`), or untracked ones (a direct call in a test). */
export function cellWrites(fence: () => Fence, ctx?: Pick<ReconcileContext, 'wrote' | 'caughtUp'>): CellWrites {
  return {
    options: () => ({ fence: fence(), onWritten: ctx?.wrote }),
    caughtUp: () => ctx?.caughtUp() ?? Promise.resolve(),
  };
}
