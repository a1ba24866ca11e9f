import { NodePhase, ReplicaPhase, Tier, type Node, type NodePool, type Replica } from '@helios/api';
import { bindReplicas, isServing } from '@helios/scheduling';
import { describe, expect, it } from 'vitest';
import { planCapacity, type CapacityInput, type CapacityPlan } from './plan-capacity';
import { deployment, node, pool, replica } from '@helios/scheduling/testing';
import { SeededRandom } from '@helios/scheduling/testing';

const TIERS = [Tier.TIER_RESERVED, Tier.TIER_ON_DEMAND, Tier.TIER_PREEMPTIBLE];
const NOW = new Date('2025-01-01T12:00:00Z');

/**
 * A random fleet: pools of mixed tier, size and state, nodes in every phase, replicas bound to Ready
 * nodes on disjoint GPUs, and replicas of power-of-two sizes placed in a cell and waiting for a node.
 */
function randomFleet(rng: SeededRandom): CapacityInput {
  const pools: NodePool[] = [];
  const nodes: Node[] = [];
  const replicas: Replica[] = [];
  const lastScaleUpAt: Record<string, string> = {};
  for (const cellName of ['east', 'west'].slice(0, rng.int(1, 2))) {
    for (let p = rng.int(1, 4); p > 0; p -= 1) {
      const name = `p${p}`;
      const tier = rng.pick(TIERS);
      const gpusPerNode = rng.pick([4, 8, 8]);
      const gpuType = rng.pick(['h100', 'h100', 'a100']);
      const min = rng.int(0, 2);
      const max = min + rng.int(0, 5);
      pools.push(
        pool(cellName, name, {
          tier,
          gpusPerNode,
          gpuType,
          min,
          max,
          desired: rng.int(0, max),
          unavailableSince: rng.chance(0.15) ? rng.pick(['2025-01-01T11:58:00Z', '2025-01-01T11:00:00Z']) : undefined,
        }),
      );
      if (rng.chance(0.5)) lastScaleUpAt[`${cellName}/${name}`] = rng.pick(['2025-01-01T11:59:00Z', '2025-01-01T11:00:00Z']);
      for (let n = rng.int(0, max + 1); n > 0; n -= 1) {
        const nodeName = `${name}-n${n}`;
        const phase = rng.chance(0.7) ? NodePhase.NODE_PHASE_READY : rng.pick([NodePhase.NODE_PHASE_PROVISIONING, NodePhase.NODE_PHASE_DRAINING, NodePhase.NODE_PHASE_NOT_READY]);
        nodes.push(node(cellName, nodeName, { pool: name, tier, gpus: gpusPerNode, gpuType, phase, unschedulable: rng.chance(0.05) }));
        if (phase !== NodePhase.NODE_PHASE_READY) continue;
        let next = 0;
        while (next < gpusPerNode && rng.chance(0.6)) {
          const gpus = Math.min(gpusPerNode - next, rng.pick([1, 2, 4]));
          const indices = Array.from({ length: gpus }, (_, i) => next + i);
          next += gpus;
          replicas.push(replica('d', `b-${cellName}-${nodeName}-${next}`, { cell: cellName, node: nodeName, gpus, gpuType, tier, indices, phase: ReplicaPhase.REPLICA_PHASE_READY }));
        }
      }
    }
    for (let w = rng.int(0, 12); w > 0; w -= 1) {
      replicas.push(
        replica('d', `w-${cellName}-${w}`, {
          cell: cellName,
          gpus: rng.pick([1, 2, 4, 8]),
          gpuType: rng.pick(['h100', 'h100', 'a100', 'b200']),
          tier: rng.chance(0.3) ? Tier.TIER_UNSPECIFIED : rng.pick(TIERS),
        }),
      );
    }
  }
  return {
    pools: rng.shuffle(pools),
    nodes: rng.shuffle(nodes),
    replicas: rng.shuffle(replicas),
    deployments: [deployment('d')],
    lastScaleUpAt,
    options: { headroomGpus: rng.pick([0, 0, 4, 8]), headroomPercent: rng.pick([0, 10]), scaleDownCooldownSeconds: 300 },
  };
}

/** What the cloud and the pool reconciler make of a plan: Provisioning nodes come up, added nodes appear Ready. */
function materialize(input: CapacityInput, plan: CapacityPlan): Node[] {
  const nodes = input.nodes.map((n) => (n.status!.phase === NodePhase.NODE_PHASE_PROVISIONING ? { ...n, status: { ...n.status!, phase: NodePhase.NODE_PHASE_READY } } : n));
  for (const p of plan.pools) {
    const spec = input.pools.find((x) => x.spec!.cell === p.cell && x.metadata!.name === p.pool)!.spec!;
    for (let i = p.serving; i < p.desired; i += 1) {
      nodes.push(node(p.cell, `${p.pool}-added-${i}`, { pool: p.pool, tier: spec.tier, gpus: spec.gpusPerNode, gpuType: spec.gpuType }));
    }
  }
  return nodes;
}

describe('planCapacity properties (300 random fleets, seed 2025)', () => {
  const rng = new SeededRandom(2025);
  const cases = Array.from({ length: 300 }, () => randomFleet(rng));

  it('keeps min <= desired <= max, never plans away a busy node, and holds during the cooldown', () => {
    for (const input of cases) {
      const plan = planCapacity(input, NOW);
      expect(plan.pools).toHaveLength(input.pools.length);
      for (const p of plan.pools) {
        const spec = input.pools.find((x) => x.spec!.cell === p.cell && x.metadata!.name === p.pool)!.spec!;
        expect(p.desired).toBeGreaterThanOrEqual(spec.min);
        expect(p.desired).toBeLessThanOrEqual(spec.max);
        const serving = input.nodes.filter((n) => n.spec!.cell === p.cell && n.spec!.pool === p.pool && isServing(n));
        const busy = serving.filter((n) => input.replicas.some((r) => r.spec!.cell === p.cell && r.spec!.node === n.metadata!.name));
        expect(p.serving).toBe(serving.length);
        expect(p.idle).toBe(serving.length - busy.length);
        // Scale-down removes idle nodes only.
        expect(p.desired).toBeGreaterThanOrEqual(Math.min(spec.max, busy.length));
        // Inside the cooldown nothing is removed.
        const last = input.lastScaleUpAt?.[`${p.cell}/${p.pool}`];
        if (last && NOW.getTime() - Date.parse(String(last)) < 300_000) expect(p.desired).toBeGreaterThanOrEqual(Math.min(spec.max, serving.length));
      }
      const waiting = new Set(input.replicas.filter((r) => !r.spec!.node).map((r) => `${r.spec!.deployment}/${r.metadata!.name}`));
      const unmet = plan.unmet.flatMap((u) => u.replicas);
      expect(new Set(unmet).size).toBe(unmet.length);
      for (const id of unmet) expect(waiting.has(id)).toBe(true);
    }
  });

  it('plans enough: once the planned nodes exist, the binder places every replica not reported unmet', () => {
    let bound = 0;
    for (const input of cases) {
      const plan = planCapacity(input, NOW);
      const nodes = materialize(input, plan);
      const unmet = new Set(plan.unmet.flatMap((u) => u.replicas));
      // Unmet replicas are moved to another cell by the control plane, so they take nothing here.
      const replicas = input.replicas.filter((r) => !unmet.has(`${r.spec!.deployment}/${r.metadata!.name}`));
      for (const cellName of ['east', 'west']) {
        const binding = bindReplicas({ cell: cellName, nodes, replicas });
        expect(binding.unbound.map((u) => u.message)).toEqual([]);
        bound += binding.bindings.length;
      }
    }
    expect(bound).toBeGreaterThan(500);
  });

  it('is deterministic: the order of the snapshot does not matter', () => {
    const shuffler = new SeededRandom(17);
    for (const input of cases.slice(0, 100)) {
      const shuffled = { ...input, pools: shuffler.shuffle(input.pools), nodes: shuffler.shuffle(input.nodes), replicas: shuffler.shuffle(input.replicas) };
      expect(planCapacity(shuffled, NOW)).toEqual(planCapacity(input, NOW));
    }
  });
});
