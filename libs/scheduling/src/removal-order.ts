import type { Replica } from '@helios/api';
import { isReady } from '@helios/replica-lifecycle';
import { GpuHoldings } from './gpu-holdings';
import { nodeKey } from './node-eligibility';
import { compareText, gpuRequest, replicaId } from './replica-state';
import { tierRank } from './tiers';

/**
 * Orders a deployment's replicas for removal on scale-down, best to remove first, so that removals
 * empty whole nodes (which the planner can then give back) instead of leaving a hole in every node.
 *
 * First the replicas that hold no GPU: without a cell, then without a node. Then, greedily, the
 * replica on the node where replicas hold the fewest GPUs, counting the removals already chosen, so
 * once a node is started on it is emptied before the next; not-yet-Ready replicas before Ready ones,
 * the dearer tier first (on-demand, preemptible, reserved, which is paid for anyway), the larger
 * replica first, then by identity.
 *
 *   node a holds 8 GPUs (r1: 4), node b holds 3 (r2: 2, r4: 1), node c holds 3 (r3: 1, others 2)
 *   remove 2 -> r2 (b 3 -> 1), then r4 (b 1 -> 0): node b goes idle and can be given back.
 *   A static ranking by load would take r2 and then r3 (b and c tie at 3), idling nothing.
 *
 * `all` is every replica in the fleet (to see how full each node is); `candidates` are the ones that
 * may be removed.
 */
export function removalOrder(candidates: readonly Replica[], all: readonly Replica[]): Replica[] {
  const holdings = GpuHoldings.of(all);
  const byIdentity = (a: Replica, b: Replica) => compareText(replicaId(a), replicaId(b));
  const unplaced = candidates.filter((r) => !r.spec?.cell).sort(byIdentity);
  const unbound = candidates.filter((r) => r.spec?.cell && !r.spec.node).sort(byIdentity);
  const bound = candidates.filter((r) => r.spec?.cell && r.spec.node);

  const load = new Map<string, number>();
  const keyOf = (r: Replica) => nodeKey(r.spec!.cell, r.spec!.node);
  for (const r of bound) load.set(keyOf(r), holdings.heldGpus(r.spec!.cell, r.spec!.node));
  const before = (a: Replica, b: Replica): boolean =>
    (load.get(keyOf(a))! - load.get(keyOf(b))! ||
      Number(isReady(a)) - Number(isReady(b)) ||
      tierRank(b.spec?.tier ?? 0) - tierRank(a.spec?.tier ?? 0) ||
      gpuRequest(b).gpus - gpuRequest(a).gpus ||
      byIdentity(a, b)) < 0;

  const ordered: Replica[] = [...unplaced, ...unbound];
  const left = [...bound];
  while (left.length > 0) {
    let best = 0;
    for (let i = 1; i < left.length; i += 1) if (before(left[i]!, left[best]!)) best = i;
    const [next] = left.splice(best, 1);
    ordered.push(next!);
    load.set(keyOf(next!), load.get(keyOf(next!))! - Math.max(gpuRequest(next!).gpus, next!.spec!.gpuIndices.length));
  }
  return ordered;
}
