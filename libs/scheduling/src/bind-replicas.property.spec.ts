import { NodePhase, ReplicaPhase, Tier, type Node, type Replica } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { bindReplicas, type BindingInput } from './bind-replicas';
import { healthyGpuIndices, isSchedulable } from './node-eligibility';
import { gpuRequest } from './replica-state';
import { node, replica } from './testing/fixtures';
import { SeededRandom } from './testing/random';

const TIERS = [Tier.TIER_RESERVED, Tier.TIER_ON_DEMAND, Tier.TIER_PREEMPTIBLE];
const PHASES = [NodePhase.NODE_PHASE_READY, NodePhase.NODE_PHASE_NOT_READY, NodePhase.NODE_PHASE_DRAINING, NodePhase.NODE_PHASE_PROVISIONING, NodePhase.NODE_PHASE_TERMINATED];

/** A random cell: nodes of mixed shape and health, some replicas already bound, some waiting. */
function randomCell(rng: SeededRandom): BindingInput {
  const nodes: Node[] = [];
  const replicas: Replica[] = [];
  const nodeCount = rng.int(0, 12);
  for (let i = 0; i < nodeCount; i += 1) {
    const gpus = rng.pick([1, 2, 4, 8, 8, 8]);
    const unhealthy = Array.from({ length: gpus }, (_, index) => index).filter(() => rng.chance(0.1));
    const n = node(rng.chance(0.95) ? 'east' : 'west', `n${i}`, {
      gpus,
      gpuType: rng.pick(['h100', 'h100', 'a100']),
      tier: rng.pick(TIERS),
      phase: rng.chance(0.7) ? NodePhase.NODE_PHASE_READY : rng.pick(PHASES),
      unschedulable: rng.chance(0.1),
      unhealthy,
      reported: rng.chance(0.85),
    });
    nodes.push(n);
    // Bind some replicas already, on disjoint indices (healthy or not: a GPU can fail under a replica).
    const indices = rng.shuffle(Array.from({ length: gpus }, (_, index) => index));
    while (indices.length > 0 && rng.chance(0.5)) {
      const take = indices.splice(0, rng.int(1, indices.length));
      replicas.push(
        replica('old', `old-${i}-${replicas.length}`, {
          cell: n.spec!.cell,
          node: n.metadata!.name,
          gpus: take.length,
          indices: take,
          phase: rng.pick([ReplicaPhase.REPLICA_PHASE_READY, ReplicaPhase.REPLICA_PHASE_FAILED, ReplicaPhase.REPLICA_PHASE_TERMINATING]),
        }),
      );
    }
  }
  const waiting = rng.int(0, 20);
  for (let i = 0; i < waiting; i += 1) {
    replicas.push(
      replica(rng.pick(['a', 'b']), `r${i}`, {
        cell: rng.chance(0.9) ? 'east' : 'west',
        gpus: rng.pick([0, 1, 1, 2, 2, 3, 4, 4, 8]),
        gpuType: rng.pick(['h100', 'h100', 'a100', '']),
        tier: rng.chance(0.3) ? Tier.TIER_UNSPECIFIED : rng.pick(TIERS),
        phase: rng.chance(0.9) ? ReplicaPhase.REPLICA_PHASE_PENDING : ReplicaPhase.REPLICA_PHASE_TERMINATING,
      }),
    );
  }
  return { cell: 'east', nodes: rng.shuffle(nodes), replicas: rng.shuffle(replicas) };
}

const id = (r: Replica) => `${r.spec!.deployment}/${r.metadata!.name}`;

describe('bindReplicas properties (200 random cells, seed 7)', () => {
  const rng = new SeededRandom(7);
  const cases = Array.from({ length: 200 }, () => randomCell(rng));

  it('binds only to Ready, uncordoned nodes of the right type and tier, never shares a GPU, never misses a fit', () => {
    for (const input of cases) checkInvariants(input);
  });

  function checkInvariants(input: BindingInput): void {
    const plan = bindReplicas(input);
    const nodes = new Map(input.nodes.filter((n) => n.spec!.cell === 'east').map((n) => [n.metadata!.name, n]));
    const waiting = input.replicas.filter(
      (r) => r.spec!.cell === 'east' && !r.spec!.node && (r.status!.phase === ReplicaPhase.REPLICA_PHASE_PENDING || r.status!.phase === ReplicaPhase.REPLICA_PHASE_UNSPECIFIED),
    );

    // Every waiting replica is either bound or explained, exactly once; nothing else is touched.
    expect([...plan.bindings.map((b) => id(b.replica)), ...plan.unbound.map((u) => id(u.replica))].sort()).toEqual(waiting.map(id).sort());

    // No GPU index is ever shared: not with replicas already there, not between new bindings.
    const used = new Map<string, Set<number>>();
    for (const r of input.replicas) {
      if (r.spec!.cell !== 'east' || !r.spec!.node) continue;
      const set = used.get(r.spec!.node) ?? new Set<number>();
      for (const index of r.spec!.gpuIndices) set.add(index);
      used.set(r.spec!.node, set);
    }
    for (const { replica: r, node: name, gpuIndices } of plan.bindings) {
      const n = nodes.get(name)!;
      const request = gpuRequest(r);
      // Only Ready, uncordoned nodes (never NotReady, Draining, Provisioning), of the right type and tier.
      expect(isSchedulable(n)).toBe(true);
      expect(n.status!.phase).toBe(NodePhase.NODE_PHASE_READY);
      expect(n.spec!.unschedulable).toBe(false);
      if (request.gpuType) expect(n.spec!.gpuType).toBe(request.gpuType);
      if (r.spec!.tier !== Tier.TIER_UNSPECIFIED) expect(n.spec!.tier).toBe(r.spec!.tier);
      expect(gpuIndices).toHaveLength(request.gpus);
      const healthy = new Set(healthyGpuIndices(n));
      const set = used.get(name) ?? new Set<number>();
      for (const index of gpuIndices) {
        expect(healthy.has(index)).toBe(true);
        expect(set.has(index)).toBe(false);
        set.add(index);
      }
      used.set(name, set);
    }

    // Best fit never misses a fit: free GPUs only shrink, so an unbound replica fits no node at the end either.
    for (const { replica: r } of plan.unbound) {
      const request = gpuRequest(r);
      for (const n of nodes.values()) {
        if (!isSchedulable(n) || (request.gpuType && n.spec!.gpuType !== request.gpuType)) continue;
        if (r.spec!.tier !== Tier.TIER_UNSPECIFIED && n.spec!.tier !== r.spec!.tier) continue;
        const free = healthyGpuIndices(n).filter((index) => !used.get(n.metadata!.name)?.has(index)).length;
        expect(free).toBeLessThan(request.gpus);
      }
    }
  }

  it('is deterministic: the order of the snapshot does not matter', () => {
    const shuffler = new SeededRandom(11);
    for (const input of cases.slice(0, 50)) {
      const again = bindReplicas({ ...input, nodes: shuffler.shuffle(input.nodes), replicas: shuffler.shuffle(input.replicas) });
      const rows = (plan: ReturnType<typeof bindReplicas>) => [
        ...plan.bindings.map((b) => `${id(b.replica)} ${b.node} ${b.gpuIndices.join(',')}`).sort(),
        ...plan.unbound.map((u) => `${id(u.replica)} ${u.reason}`).sort(),
      ];
      expect(rows(again)).toEqual(rows(bindReplicas(input)));
    }
  });

  it('packs 1/2/4/8-GPU replicas onto empty 8-GPU nodes without waste (100 traces, seed 3)', () => {
    const trace = new SeededRandom(3);
    for (let t = 0; t < 100; t += 1) {
      const nodeCount = trace.int(1, 16);
      const nodes = Array.from({ length: nodeCount }, (_, i) => node('east', `n${i}`));
      const replicas: Replica[] = [];
      let total = 0;
      for (;;) {
        const gpus = trace.pick([1, 2, 4, 8]);
        if (total + gpus > nodeCount * 8) break;
        total += gpus;
        replicas.push(replica('d', `r${replicas.length}`, { cell: 'east', gpus }));
      }
      const plan = bindReplicas({ cell: 'east', nodes, replicas: trace.shuffle(replicas) });
      expect(plan.unbound).toEqual([]);
      expect(new Set(plan.bindings.map((b) => b.node)).size).toBe(Math.ceil(total / 8));
    }
  });
});
