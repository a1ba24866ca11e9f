import { CellPhase, NodePhase, ReplicaPhase, SpreadPolicy, Tier, type Cell, type Node, type NodePool, type Replica } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { placeReplicas, type PlacementInput } from './place-replicas';
import { TierRules } from './tier-rules';
import { cell, deployment, node, pool, replica } from './testing/fixtures';
import { SeededRandom } from './testing/random';

const TIERS = [Tier.TIER_RESERVED, Tier.TIER_ON_DEMAND, Tier.TIER_PREEMPTIBLE];
const NOW = new Date('2025-01-01T12:00:00Z');

/** A random fleet and one deployment with a random placement policy and some replicas already placed. */
function randomFleet(rng: SeededRandom): PlacementInput {
  const cells: Cell[] = [];
  const pools: NodePool[] = [];
  const nodes: Node[] = [];
  const replicas: Replica[] = [];
  const cellCount = rng.int(1, 4);
  for (let c = 0; c < cellCount; c += 1) {
    const name = `c${c}`;
    cells.push(cell(name, rng.chance(0.75) ? CellPhase.CELL_PHASE_READY : rng.pick([CellPhase.CELL_PHASE_UNREACHABLE, CellPhase.CELL_PHASE_DEGRADED, CellPhase.CELL_PHASE_PENDING])));
    const poolCount = rng.int(0, 3);
    for (let p = 0; p < poolCount; p += 1) {
      const tier = rng.pick(TIERS);
      const gpusPerNode = rng.pick([4, 8]);
      const gpuType = rng.pick(['h100', 'h100', 'a100']);
      const poolName = `p${p}`;
      pools.push(
        pool(name, poolName, {
          tier,
          gpusPerNode,
          gpuType,
          max: rng.int(0, 4),
          desired: rng.int(0, 3),
          price: rng.pick([0, 10, 20, 30]),
          unavailableSince: rng.chance(0.2) ? rng.pick(['2025-01-01T11:58:00Z', '2025-01-01T11:00:00Z', '']) : undefined,
        }),
      );
      const nodeCount = rng.int(0, 3);
      for (let n = 0; n < nodeCount; n += 1) {
        const nodeName = `${poolName}-n${n}`;
        nodes.push(
          node(name, nodeName, {
            pool: poolName,
            tier,
            gpus: gpusPerNode,
            gpuType,
            phase: rng.chance(0.75) ? NodePhase.NODE_PHASE_READY : rng.pick([NodePhase.NODE_PHASE_PROVISIONING, NodePhase.NODE_PHASE_DRAINING, NodePhase.NODE_PHASE_NOT_READY]),
            unschedulable: rng.chance(0.1),
          }),
        );
        const used = rng.int(0, gpusPerNode);
        if (used > 0) {
          replicas.push(
            replica('other', `o-${name}-${nodeName}`, {
              cell: name,
              node: nodeName,
              gpus: used,
              gpuType,
              tier,
              indices: Array.from({ length: used }, (_, i) => i),
              phase: ReplicaPhase.REPLICA_PHASE_READY,
            }),
          );
        }
      }
    }
    for (let w = rng.int(0, 2); w > 0; w -= 1) replicas.push(replica('other', `wait-${name}-${w}`, { cell: name, gpus: rng.pick([1, 4, 8]), tier: rng.pick(TIERS) }));
  }
  const cellNames = cells.map((c) => c.metadata!.name);
  const size = rng.pick([1, 2, 4, 8]);
  const spec = {
    replicas: rng.int(1, 10),
    gpus: size,
    gpuType: rng.pick(['h100', 'a100']),
    cells: rng.chance(0.5) ? [] : cellNames.filter(() => rng.chance(0.6)).concat(rng.chance(0.2) ? ['gone'] : []),
    spread: rng.pick([SpreadPolicy.SPREAD_POLICY_PACK, SpreadPolicy.SPREAD_POLICY_SPREAD, SpreadPolicy.SPREAD_POLICY_UNSPECIFIED]),
    allowed: rng.chance(0.4) ? [] : TIERS.filter(() => rng.chance(0.6)),
    maxPreemptiblePercent: rng.pick([0, 25, 50, 100]),
  };
  for (let i = rng.int(0, 4); i > 0; i -= 1) {
    replicas.push(
      replica('d', `placed-${i}`, {
        cell: rng.pick(cellNames),
        gpus: size,
        gpuType: spec.gpuType,
        tier: rng.pick(TIERS),
        phase: rng.pick([ReplicaPhase.REPLICA_PHASE_READY, ReplicaPhase.REPLICA_PHASE_FAILED, ReplicaPhase.REPLICA_PHASE_PENDING]),
      }),
    );
  }
  for (let i = rng.int(0, 10); i > 0; i -= 1) replicas.push(replica('d', `new-${i}`, { gpus: size, gpuType: spec.gpuType }));
  return { deployment: deployment('d', spec), replicas: rng.shuffle(replicas), cells: rng.shuffle(cells), pools: rng.shuffle(pools), nodes: rng.shuffle(nodes), now: NOW };
}

const active = (r: Replica) => r.status!.phase !== ReplicaPhase.REPLICA_PHASE_FAILED && r.status!.phase !== ReplicaPhase.REPLICA_PHASE_TERMINATING;

describe('placeReplicas properties (300 random fleets, seed 42)', () => {
  const rng = new SeededRandom(42);
  const cases = Array.from({ length: 300 }, () => randomFleet(rng));

  it('honours cells, tiers and the preemptible share, and accounts for every pending replica', () => {
    let assigned = 0;
    for (const input of cases) {
      const plan = placeReplicas(input);
      const spec = input.deployment.spec!;
      const rules = TierRules.of(spec.placement!.tierPolicy);
      const own = input.replicas.filter((r) => r.spec!.deployment === 'd');
      const pending = own.filter((r) => !r.spec!.cell && r.status!.phase === ReplicaPhase.REPLICA_PHASE_PENDING);
      const ids = [...plan.assignments.map((a) => a.replica.metadata!.name), ...plan.unplaceable.map((u) => u.replica.metadata!.name)];
      expect(ids.sort()).toEqual(pending.map((r) => r.metadata!.name).sort());

      const ready = new Set(input.cells.filter((c) => c.status!.phase === CellPhase.CELL_PHASE_READY).map((c) => c.metadata!.name));
      const allowedCells = spec.placement!.cells;
      for (const a of plan.assignments) {
        expect(ready.has(a.cell)).toBe(true);
        if (allowedCells.length > 0) expect(allowedCells).toContain(a.cell);
        expect(rules.allowed).toContain(a.tier);
      }

      const before = own.filter((r) => r.spec!.cell && active(r) && r.spec!.tier === Tier.TIER_PREEMPTIBLE).length;
      const added = plan.assignments.filter((a) => a.tier === Tier.TIER_PREEMPTIBLE).length;
      if (added > 0) expect(before + added).toBeLessThanOrEqual(rules.preemptibleLimit(spec.replicas));
      assigned += plan.assignments.length;
    }
    // The generator must exercise the interesting path, not only the refusals.
    expect(assigned).toBeGreaterThan(100);
  });

  it('is deterministic: the order of the snapshot does not matter', () => {
    const shuffler = new SeededRandom(5);
    const rows = (input: PlacementInput) => {
      const plan = placeReplicas(input);
      return [...plan.assignments.map((a) => `${a.replica.metadata!.name} ${a.cell} ${a.tier}`), ...plan.unplaceable.map((u) => `${u.replica.metadata!.name} ${u.reason}`)].sort();
    };
    for (const input of cases.slice(0, 100)) {
      const shuffled = { ...input, replicas: shuffler.shuffle(input.replicas), cells: shuffler.shuffle(input.cells), pools: shuffler.shuffle(input.pools), nodes: shuffler.shuffle(input.nodes) };
      expect(rows(shuffled)).toEqual(rows(input));
    }
  });

  it('SPREAD sends each replica to a least-loaded cell when capacity is ample (100 fleets, seed 9)', () => {
    const r = new SeededRandom(9);
    for (let t = 0; t < 100; t += 1) {
      const cellNames = Array.from({ length: r.int(2, 5) }, (_, i) => `c${i}`);
      const existing = cellNames.flatMap((c) => Array.from({ length: r.int(0, 3) }, (_, i) => replica('d', `old-${c}-${i}`, { cell: c, tier: Tier.TIER_ON_DEMAND, phase: ReplicaPhase.REPLICA_PHASE_READY })));
      const count = r.int(1, 12);
      const plan = placeReplicas({
        deployment: deployment('d', { replicas: existing.length + count, spread: SpreadPolicy.SPREAD_POLICY_SPREAD }),
        replicas: [...existing, ...Array.from({ length: count }, (_, i) => replica('d', `new-${String(i).padStart(2, '0')}`))],
        cells: cellNames.map((c) => cell(c)),
        pools: cellNames.map((c) => pool(c, 'od', { max: 100, price: r.pick([10, 20]) })),
        nodes: [],
      });
      const counts = new Map(cellNames.map((c) => [c, existing.filter((e) => e.spec!.cell === c).length]));
      expect(plan.assignments).toHaveLength(count);
      for (const a of plan.assignments) {
        expect(counts.get(a.cell)).toBe(Math.min(...counts.values()));
        counts.set(a.cell, counts.get(a.cell)! + 1);
      }
    }
  });
});
