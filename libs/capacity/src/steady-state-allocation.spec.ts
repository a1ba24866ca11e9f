import { SpreadPolicy, Tier } from '@helios/api';
import { removalOrder } from '@helios/scheduling';
import { describe, expect, it } from 'vitest';
import { cell, deployment, pool } from '@helios/scheduling/testing';
import { FleetSimulation } from './testing/fleet-simulation';
import { SeededRandom } from '@helios/scheduling/testing';

const R = Tier.TIER_RESERVED;
const OD = Tier.TIER_ON_DEMAND;
const P = Tier.TIER_PREEMPTIBLE;

/**
 * Two cells, each with reserved, preemptible and on-demand pools of 8-GPU nodes, and 16 deployments
 * of 1, 2, 4 or 8 GPUs with mixed spread and tier policies: a few hundred nodes.
 */
function mixedFleet(rng: SeededRandom): FleetSimulation {
  const cells = [cell('east'), cell('west')];
  const pools = cells.flatMap((c) => [
    pool(c.metadata!.name, 'res', { tier: R, min: 2, max: 6 }),
    pool(c.metadata!.name, 'spot', { tier: P, max: 100 }),
    pool(c.metadata!.name, 'od', { tier: OD, max: 200 }),
  ]);
  const deployments = Array.from({ length: 16 }, (_, i) =>
    deployment(`d${i}`, {
      replicas: rng.int(10, 50),
      gpus: rng.pick([1, 2, 4, 8]),
      spread: rng.pick([SpreadPolicy.SPREAD_POLICY_PACK, SpreadPolicy.SPREAD_POLICY_SPREAD]),
      allowed: rng.pick([[], [R, OD]]),
      maxPreemptiblePercent: rng.pick([0, 50]),
    }),
  );
  return new FleetSimulation(cells, pools, deployments);
}

/** Nodes with some but not all GPUs held. */
function partlyUsed(fleet: FleetSimulation): number {
  return fleet.nodes.filter((n) => {
    const held = fleet.replicas.filter((r) => r.spec!.cell === n.spec!.cell && r.spec!.node === n.metadata!.name).reduce((sum, r) => sum + r.spec!.gpuIndices.length, 0);
    return held > 0 && held < n.spec!.gpus;
  }).length;
}

describe('place -> plan -> provision -> bind on a mixed 1/2/4/8-GPU trace', () => {
  it.each([1, 2, 3])('fills nodes whole and stays >= 97 %% allocated through churn (seed %i)', (seed) => {
    const rng = new SeededRandom(seed);
    const fleet = mixedFleet(rng);
    for (let round = 0; round < 3; round += 1) fleet.round();
    expect(fleet.unbound()).toEqual([]);
    // Sizes divide the node, so the first fill leaves at most one partly used node per cell and tier.
    expect(partlyUsed(fleet)).toBeLessThanOrEqual(2 * 3);
    expect(fleet.allocation()).toBeGreaterThanOrEqual(0.97);

    // Failures and restarts: a tenth of the replicas replaced each round, demand unchanged.
    for (let round = 0; round < 10; round += 1) {
      fleet.churn(rng, Math.ceil(fleet.replicas.length / 10));
      fleet.round();
    }
    fleet.round();
    expect(fleet.unbound()).toEqual([]);
    expect(fleet.allocation()).toBeGreaterThanOrEqual(0.97);
  });

  // Without moving running replicas, a scale-down leaves holes; removing replicas in removalOrder
  // empties whole nodes instead. Measured over seeds 1-10 with 24 deployments: 94-97 % right after
  // a 30 % scale-down (78-89 % with random victims), 97-99 % after churn. The bound here guards that.
  it.each([1, 2, 3])('recovers after a 30 %% scale-down when victims are taken in removalOrder (seed %i)', (seed) => {
    const rng = new SeededRandom(seed);
    const fleet = mixedFleet(rng);
    for (let round = 0; round < 3; round += 1) fleet.round();
    for (const d of fleet.deployments) {
      const keep = Math.floor(d.spec!.replicas * 0.7);
      const mine = fleet.replicas.filter((r) => r.spec!.deployment === d.metadata!.name);
      const victims = new Set(removalOrder(mine, fleet.replicas).slice(0, mine.length - keep));
      fleet.replicas = fleet.replicas.filter((r) => !victims.has(r));
      d.spec!.replicas = keep;
    }
    fleet.round();
    expect(fleet.allocation()).toBeGreaterThanOrEqual(0.92);
    for (let round = 0; round < 10; round += 1) {
      fleet.churn(rng, Math.ceil(fleet.replicas.length / 10));
      fleet.round();
    }
    fleet.round();
    expect(fleet.unbound()).toEqual([]);
    expect(fleet.allocation()).toBeGreaterThanOrEqual(0.95);
  });
});
