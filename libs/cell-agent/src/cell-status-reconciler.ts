import { Cell, CellStatus, NodePhase } from '@helios/api';
import type { Logger } from '@helios/config';
import type { ReconcileContext } from '@helios/controller-runtime';
import { GpuHoldings } from '@helios/scheduling';
import { isNotFound, type Fence, type ResourceStore } from '@helios/store';
import type { CellCache } from './cell-cache';
import { cellWrites } from './cell-writes';
import { gpuCapacity } from './gpu-capacity';
import type { GpuGauges } from './gpu-gauges';

/** Everything a CellStatusReconciler works with. */
export interface CellStatusReconcilerDeps {
  cellName: string;
  agentId: string;
  cache: CellCache;
  store: ResourceStore;
  fence: () => Fence;
  log: Logger;
  gauges?: GpuGauges;
}

/**
 * Writes what the cell agent observes about its cell into the Cell's status (and its GPU gauges):
 * GPU totals by tier and type over serving nodes (allocated = held by replicas bound there), the node count (Terminated ones excluded), the Ready ones, and
 * which agent reports. Phase and agent liveness are not written here: an agent cannot report its
 * own death, so the control plane derives them from the agent's liveness key.
 */
export class CellStatusReconciler {
  constructor(private readonly deps: CellStatusReconcilerDeps) {}

  async reconcile(ctx?: ReconcileContext): Promise<void> {
    const { cache, store, cellName, agentId } = this.deps;
    if (!cache.cell()) return;
    const nodes = cache.nodes().filter((n) => n.status?.phase !== NodePhase.NODE_PHASE_TERMINATED);
    const holdings = GpuHoldings.of(cache.replicas());
    const gpus = gpuCapacity(nodes, cache.isLive, (node) => holdings.heldGpus(cellName, node));
    this.deps.gauges?.setCell(cellName, gpus);
    const readyNodes = nodes.filter((n) => n.status?.phase === NodePhase.NODE_PHASE_READY && cache.isLive(n.metadata?.name ?? '')).length;
    try {
      await store.mutate(
        'cell',
        cellName,
        undefined,
        (current) => {
          const status = CellStatus.fromPartial({ ...current.status, gpus, nodes: nodes.length, readyNodes, agentId });
          const next = { ...current, status };
          return Buffer.from(Cell.encode(next).finish()).equals(Buffer.from(Cell.encode(current).finish())) ? undefined : next;
        },
        cellWrites(this.deps.fence, ctx).options(),
      );
    } catch (err) {
      // Deleted between the cache and the write: nothing to report on until it is applied again.
      if (!isNotFound(err)) throw err;
    }
  }
}
