import { Replica, ReplicaPhase, ReplicaStatus } from '@helios/api';
import type { Logger } from '@helios/config';
import type { ReconcileContext } from '@helios/controller-runtime';
import { awaitsNode, bindReplicas, replicaId, type Binding, type Unbound } from '@helios/scheduling';
import { isConflict, isNotFound, type Fence, type ResourceStore } from '@helios/store';
import type { CellCache } from './cell-cache';
import type { CellLock } from './cell-lock';
import { cellWrites, type CellWrites } from './cell-writes';

/** Everything a NodeBinder works with. */
export interface NodeBinderDeps {
  cellName: string;
  cache: CellCache;
  store: ResourceStore;
  fence: () => Fence;
  log: Logger;
  lock: CellLock;
  /** Nodes the pool reconciler is giving back: never bound to, even if their Node still reads Ready. */
  leavingNodes: ReadonlySet<string>;
}

// Replica writes of one pass in flight at once.
const WRITE_CONCURRENCY = 16;

/** Tells whether a replica was retired (its deletion asked for). */
export function isRetired(replica: Replica): boolean {
  return !!replica.metadata?.deletionTime;
}

/**
 * The cell agent's node scheduler: binds the cell's Pending replicas to nodes with the pure,
 * best-fit `bindReplicas`, writing `spec.node`, `spec.gpuIndices` and phase Bound with a
 * compare-and-swap on each replica, fenced by the agent's leadership.
 *
 * Only nodes whose heartbeat lives and that the pool reconciler is not giving back are offered;
 * `bindReplicas` keeps to Ready, uncordoned ones. A pass runs under the cell lock and waits for
 * the replica cache to show its own writes before releasing it, so neither the next pass nor a
 * scale-down decision counts GPUs it has just handed out as free.
 */
export class NodeBinder {
  constructor(private readonly deps: NodeBinderDeps) {}

  /** Binds every waiting replica that fits; those that do not are told why in their status. */
  reconcile(ctx?: ReconcileContext): Promise<void> {
    const w = cellWrites(this.deps.fence, ctx);
    return this.deps.lock.run(() => this.bindOnce(w));
  }

  private async bindOnce(w: CellWrites): Promise<void> {
    const { cache, cellName, leavingNodes } = this.deps;
    const all = cache.replicas();
    // A retired replica wants nothing; one still naming a node keeps holding its GPUs.
    const replicas = all.filter((r) => !isRetired(r) || !!r.spec?.node);
    if (!replicas.some(awaitsNode)) return;
    const nodes = cache.nodes().filter((n) => {
      const name = n.metadata?.name ?? '';
      return cache.isLive(name) && !leavingNodes.has(name);
    });
    const plan = bindReplicas({ cell: cellName, nodes, replicas });
    const writes = [...plan.bindings.map((b) => () => this.bind(b, w)), ...plan.unbound.map((u) => () => this.explain(u, w))];
    for (let i = 0; i < writes.length; i += WRITE_CONCURRENCY) {
      await Promise.all(writes.slice(i, i + WRITE_CONCURRENCY).map((write) => write()));
    }
    if (plan.bindings.length > 0) this.deps.log.info({ bound: plan.bindings.length, waiting: plan.unbound.length }, 'replicas bound to nodes');
    await w.caughtUp();
  }

  private bind({ replica, node, gpuIndices }: Binding, w: CellWrites): Promise<void> {
    const status = ReplicaStatus.fromPartial({ ...replica.status, phase: ReplicaPhase.REPLICA_PHASE_BOUND, reason: '', message: '' });
    return this.write(Replica.fromPartial({ ...replica, spec: { ...replica.spec, node, gpuIndices }, status }), w, `binding to node ${node}`);
  }

  /** Records why a replica waits, when its status gives another reason. */
  private explain({ replica, reason, message }: Unbound, w: CellWrites): Promise<void> {
    if (replica.status?.reason === reason) return Promise.resolve();
    return this.write(Replica.fromPartial({ ...replica, status: { ...replica.status, reason, message } }), w, `recording ${reason}`);
  }

  private async write(next: Replica, w: CellWrites, what: string): Promise<void> {
    try {
      await this.deps.store.update('replica', next, w.options());
    } catch (err) {
      // Changed or deleted since the cache saw it: its own event brings it back if it still waits.
      if (isConflict(err) || isNotFound(err)) return;
      throw new Error(`${what}: replica ${replicaId(next)} in cell ${this.deps.cellName}`, { cause: err });
    }
  }
}
