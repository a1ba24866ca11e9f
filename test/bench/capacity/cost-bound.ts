import { Tier } from '@helios/api';
import type { DeploymentSpec, PoolSpec } from './fleet-spec';

/** GPUs the trace asked for from `from` to `to` (ms since epoch), by how much of them may be preemptible. */
export interface DemandInterval {
  from: number;
  to: number;
  demand: DemandClass[];
}

/** GPUs of which at most `preemptibleShare` (0-1) may run on preemptible capacity. */
export interface DemandClass {
  gpus: number;
  preemptibleShare: number;
}

/** A deployment's demand as the lower bound sees it: its GPUs, and the share its tier policy lets run preemptible. */
export function demandOf(d: DeploymentSpec): DemandClass {
  const allowsPreemptible = !d.tiers || d.tiers.length === 0 || d.tiers.includes(Tier.TIER_PREEMPTIBLE);
  const percent = d.maxPreemptiblePercent ?? 0;
  return { gpus: d.replicas * d.gpus, preemptibleShare: !allowsPreemptible ? 0 : percent === 0 ? 1 : percent / 100 };
}

interface Capacity {
  gpus: number;
  pricePerGpu: number;
  preemptible: boolean;
}

/**
 * The least any placement could pay per hour to hold the demand with these pools and prices,
 * honouring tier policies but not cells or whole nodes (a relaxation, so a lower bound):
 *   - every pool's min nodes are paid for (a reservation is paid whether used or not) and cost
 *     nothing more to use;
 *   - demand that may not run preemptible is served first (its options are a subset of the
 *     others'), from paid non-preemptible capacity, then the cheapest non-preemptible GPUs;
 *   - the rest from what is left, paid preemptible capacity first, then the cheapest GPUs.
 * Serving the more constrained demand first is optimal here: the two classes pay the same price
 * for a GPU, and every option of the first is an option of the second.
 *
 * Worked example: pools R (min = max = 2, $40/node), P (max 12, $32), OD (max 16, $96), 8 GPUs a
 * node; demand 40 GPUs of which 16 may not be preemptible and 24 may:
 *   R's 2 nodes are paid: $80, 16 GPUs -> the 16 non-preemptible GPUs
 *   24 preemptible-eligible GPUs from P at $4/GPU: $96      -> $176 per hour
 * The same 40 GPUs all non-preemptible: R 16 + OD 24 at $12/GPU -> $80 + $288 = $368.
 */
export function lowerBoundRate(pools: readonly PoolSpec[], demand: readonly DemandClass[]): number {
  const fixed = pools.reduce((sum, p) => sum + p.min * p.price, 0);
  const paid: Capacity[] = pools.map((p) => ({ gpus: p.min * p.gpusPerNode, pricePerGpu: 0, preemptible: p.tier === Tier.TIER_PREEMPTIBLE }));
  const extra: Capacity[] = pools.map((p) => ({ gpus: (p.max - p.min) * p.gpusPerNode, pricePerGpu: p.price / p.gpusPerNode, preemptible: p.tier === Tier.TIER_PREEMPTIBLE }));
  const capacity = [...paid, ...extra.sort((a, b) => a.pricePerGpu - b.pricePerGpu)];
  const strict = demand.reduce((sum, d) => sum + d.gpus * (1 - d.preemptibleShare), 0);
  const flexible = demand.reduce((sum, d) => sum + d.gpus * d.preemptibleShare, 0);
  let cost = fixed + take(capacity.filter((c) => !c.preemptible), strict);
  cost += take(capacity, flexible);
  return cost;
}

/** Takes `gpus` from the capacities in order, cheapest first by construction; returns the price (the dearest GPU prices what nothing holds). */
function take(capacities: Capacity[], gpus: number): number {
  let cost = 0;
  let left = gpus;
  for (const c of capacities) {
    if (left <= 0) break;
    const n = Math.min(left, c.gpus);
    c.gpus -= n;
    cost += n * c.pricePerGpu;
    left -= n;
  }
  if (left > 0) cost += left * Math.max(0, ...capacities.map((c) => c.pricePerGpu));
  return cost;
}

/** The lower bound of what holding the demand over time costs, in price-hours. */
export function lowerBoundCost(pools: readonly PoolSpec[], demand: readonly DemandInterval[]): number {
  return demand.reduce((sum, d) => sum + (lowerBoundRate(pools, d.demand) * Math.max(0, d.to - d.from)) / 3_600_000, 0);
}

/** One instance's life, for its cost. */
export interface InstanceLife {
  pool: string;
  start: number;
  /** Undefined while it still runs. */
  end?: number;
}

/**
 * What the instances cost between `from` and `to`: each pays its pool's node-hour price for the
 * part of its life inside the window (a launched instance is paid from launch, booting or not).
 */
export function spend(pools: readonly PoolSpec[], lives: readonly InstanceLife[], from: number, to: number): number {
  const price = new Map(pools.map((p) => [p.name, p.price]));
  return lives.reduce((sum, life) => {
    const start = Math.max(from, life.start);
    const end = Math.min(to, life.end ?? to);
    return sum + (Math.max(0, end - start) * (price.get(life.pool) ?? 0)) / 3_600_000;
  }, 0);
}
