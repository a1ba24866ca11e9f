import { metaOf, Replica, ReplicaPhase, ReplicaStatus } from '@helios/api';
import type { Logger } from '@helios/config';
import type { AssumedWrites } from '@helios/controller-runtime';
import { awaitsNode, demandingReplicas } from '@helios/replica-lifecycle';
import { bindReplicas, replicaId, type Binding, type Unbound } from '@helios/scheduling';
import type { Fence, ResourceStore } from '@helios/store';
import type { CellCache } from './cell-cache';
import type { CellLock } from './cell-lock';

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
  /**
   * The binder's writes the replica cache may not show yet, by replica id; `cache.replicas()`
   * lays them over the cache, so the next pass and a scale-down count their GPUs.
   */
  assumed: AssumedWrites<Replica>;
}


/**
 * The cell agent's node scheduler: binds the cell's Pending replicas to nodes with the pure,
 * best-fit `bindReplicas`, writing `spec.node`, `spec.gpuIndices` and phase Bound with a
 * compare-and-swap on each replica, fenced by the agent's leadership.
 *
 * Only nodes whose heartbeat lives and that the pool reconciler is not giving back are offered;
 * `bindReplicas` keeps to Ready, uncordoned ones. A pass runs under the cell lock, and each of its
 * writes is assumed (AssumedWrites) from the moment it is decided until the replica cache shows
 * it, so neither the next pass nor a scale-down decision counts GPUs it has just handed out as
 * free, and the next pass need not wait for the watch to deliver this one's writes (a lag of
 * seconds in a busy cell, which would otherwise pace binding).
 */
export class NodeBinder {
  constructor(private readonly deps: NodeBinderDeps) {}

  /** Binds every waiting replica that fits; those that do not are told why in their status. */
  reconcile(): Promise<void> {
    return this.deps.lock.run(() => this.bindOnce());
  }

  private async bindOnce(): Promise<void> {
    const { cache, cellName, leavingNodes, assumed } = this.deps;
    // A retired replica wants nothing; one still naming a node keeps holding its GPUs.
    const replicas = demandingReplicas(cache.replicas());
    if (!replicas.some(awaitsNode)) return;
    const nodes = cache.nodes().filter((n) => {
      const name = n.metadata?.name ?? '';
      return cache.isLive(name) && !leavingNodes.has(name);
    });
    const plan = bindReplicas({ cell: cellName, nodes, replicas });
    const writes = [...plan.bindings.map(bound), ...plan.unbound.flatMap(explained)];
    // Fenced, but not followed by read-your-writes: the assumptions stand in for the cache.
    const options = { fence: this.deps.fence() };
    for (const replica of writes) assumed.assume(replicaId(replica), replica);
    let results: Awaited<ReturnType<ResourceStore['updateEach']>>;
    try {
      // A replica that changed or went since the cache saw it is skipped: its own event brings it
      // back if it still waits.
      results = await this.deps.store.updateEach('replica', writes, options);
    } catch (err) {
      for (const replica of writes) assumed.forget(replicaId(replica));
      throw new Error(`binding ${plan.bindings.length} replicas in cell ${cellName}`, { cause: err });
    }
    writes.forEach((replica, i) => {
      const result = results[i];
      if (result && !(result instanceof Error)) assumed.written(replicaId(replica), metaOf(result).resourceVersion);
      else assumed.forget(replicaId(replica));
    });
    if (plan.bindings.length > 0) this.deps.log.info({ bound: plan.bindings.length, waiting: plan.unbound.length }, 'replicas bound to nodes');
  }
}

/** A replica bound to its node and GPUs, phase Bound, its wait reason cleared. */
function bound({ replica, node, gpuIndices }: Binding): Replica {
  const status = ReplicaStatus.fromPartial({ ...replica.status, phase: ReplicaPhase.REPLICA_PHASE_BOUND, reason: '', message: '' });
  return Replica.fromPartial({ ...replica, spec: { ...replica.spec, node, gpuIndices }, status });
}

/** A replica that waits, saying why; nothing when its status gives that reason already. */
function explained({ replica, reason, message }: Unbound): Replica[] {
  if (replica.status?.reason === reason) return [];
  return [Replica.fromPartial({ ...replica, status: { ...replica.status, reason, message } })];
}
