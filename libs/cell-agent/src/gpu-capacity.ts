import { GpuCapacity, NodePhase, type Node } from '@helios/api';

/**
 * Sums the GPUs of serving nodes by tier and GPU type, sorted by tier then type.
 *
 * Only Ready nodes whose heartbeat lives count: a GPU on a dead or booting node is not capacity.
 * `provisioned` is the node's GPU count, `unhealthy` the GPUs it reports unhealthy, `allocated`
 * the GPUs bound to replicas (none until the node scheduler binds them), and `free` what is
 * allocatable and not allocated.
 *
 * Worked example: two Ready on-demand h100 nodes of 8 GPUs, one reporting a GPU unhealthy (7
 * allocatable), plus one Ready preemptible l4 node of 4 GPUs and one NotReady h100 node, give
 * `[{ ON_DEMAND, h100, provisioned 16, allocated 0, free 15, unhealthy 1 },
 *   { PREEMPTIBLE, l4, provisioned 4, allocated 0, free 4, unhealthy 0 }]`.
 */
export function gpuCapacity(nodes: readonly Node[], isLive: (node: string) => boolean, allocated: (node: string) => number = () => 0): GpuCapacity[] {
  const groups = new Map<string, GpuCapacity>();
  for (const n of nodes) {
    const name = n.metadata?.name ?? '';
    if (n.status?.phase !== NodePhase.NODE_PHASE_READY || !isLive(name)) continue;
    const tier = n.spec?.tier ?? 0;
    const gpuType = n.spec?.gpuType ?? '';
    const key = `${tier}/${gpuType}`;
    const group = groups.get(key) ?? GpuCapacity.fromPartial({ tier, gpuType });
    const used = allocated(name);
    group.provisioned += n.spec?.gpus ?? 0;
    group.allocated += used;
    group.free += Math.max(0, (n.status?.allocatableGpus ?? 0) - used);
    group.unhealthy += (n.status?.gpus ?? []).filter((g) => !g.healthy).length;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => a.tier - b.tier || a.gpuType.localeCompare(b.gpuType));
}
