import { Tier, tierWord, type Deployment, type Node, type NodePool, type Replica } from '@helios/api';
import { awaitsNode, REPLICA_REASONS } from '@helios/replica-lifecycle';
import { bindingOrder, compareText, gpuRequest, GpuHoldings, poolKey, replicaId, TierRules } from '@helios/scheduling';
import { resolveCapacityOptions, type CapacityOptions, type ResolvedCapacityOptions } from './capacity-options';
import { CellCapacity, type PoolTally, type UnmetReason } from './cell-capacity';
import { scaleDownBlockedUntil } from './cooldown';
import { headroomGpus } from './headroom';

/** A snapshot of the fleet, as the control plane sees it when it plans capacity. */
export interface CapacityInput {
  pools: readonly NodePool[];
  nodes: readonly Node[];
  /** Replicas of every deployment: those naming a node hold it; those placed without a node wait for one. */
  replicas: readonly Replica[];
  /** Deployments, for the tier policy of replicas placed without a tier. */
  deployments: readonly Deployment[];
  /** When each pool last scaled up (or saw its demand rise), by poolKey(cell, pool). */
  lastScaleUpAt?: Readonly<Record<string, Date | string | undefined>>;
  options?: CapacityOptions;
}

/** Why a pool's desired count is what it is. */
export type PoolPlanReason = 'ScaleUp' | 'ScaleDown' | 'Steady' | 'CooldownHold' | 'AtMin' | 'AtMax';

/** The planner's decision for one pool. */
export interface PoolPlan {
  cell: string;
  pool: string;
  /** Serving nodes the pool should have: Ready and uncordoned, or Provisioning. Draining, NotReady and cordoned nodes do not count. */
  desired: number;
  reason: PoolPlanReason;
  /** The numbers behind the decision, for people. */
  message: string;
  /** Compared with the pool's status.desired: record a scale-up time when 'up'. */
  direction: 'up' | 'down' | 'hold';
  /** Serving nodes now. */
  serving: number;
  /** Serving nodes with no bound replica: the only ones scale-down may remove. */
  idle: number;
}

/** Replicas placed in a cell that no pool there can hold: placement should try another cell. */
export interface UnmetDemand {
  cell: string;
  gpuType: string;
  /** The replicas' tier; unspecified when they had none. */
  tier: Tier;
  gpus: number;
  /** Replica ids (`<deployment>/<replica>`). */
  replicas: string[];
  reason: UnmetReason;
  message: string;
}

/** The capacity plan: one decision per pool, and the demand no pool could take. */
export interface CapacityPlan {
  pools: PoolPlan[];
  unmet: UnmetDemand[];
}

/**
 * Turns demand into a desired node count per pool, for every cell and GPU type.
 *
 * Per cell:
 *   1. Every serving node (Ready and uncordoned, or Provisioning) is a bin of free GPUs; nodes with
 *      bound replicas are needed and can never be removed.
 *   2. Demand: replicas placed in the cell without a node, largest first, are fitted the way the
 *      binder will fit them (best fit on a serving node of their GPU type and tier). Those that fit
 *      nowhere get a new node from the cheapest pool that has room, in cost order: reserved (already
 *      paid, up to max), then preemptible where the replica's tier (or its deployment's tier policy,
 *      when it has no tier) allows it, then on-demand. Pools in CapacityUnavailable backoff are
 *      skipped, so the demand falls to the next pool or tier; what fits no pool is `unmet`.
 *   3. Headroom: per GPU type, headroomGpus + ceil(headroomPercent % of demand) GPUs must stay free
 *      on needed nodes of the headroom tiers; idle nodes are kept for it first, then nodes added.
 *   4. Each pool's target is its needed nodes, held within [min, max]. A target below the current
 *      one is a scale-down: it waits out the cooldown since the pool's last scale-up, and it only
 *      ever drops idle nodes (busy nodes are needed). Idle nodes are kept for headroom reserved
 *      first, then on-demand, then preemptible, so preemptible nodes go first; reserved pools never
 *      go below min.
 *
 * Nodes are counted as bins rather than ceil(GPUs / gpusPerNode) because replicas do not split
 * across nodes. When sizes divide the node the two agree, which is the worked example:
 *
 *   cell east, h100, pools res (reserved, 8/node, max 2), spot (preemptible, 8/node, max 4),
 *   od (on-demand, 8/node, max 10); no nodes; placed and waiting: five 8-GPU replicas and five
 *   4-GPU replicas = 60 GPUs, deployment allows every tier.
 *     res 2 (16 GPUs, its max), spot 4 (32 GPUs, its max), od ceil(12 / 8) = 2 -> 8 nodes = ceil(60 / 8)
 *   The same deployment allowing only reserved and on-demand: res 2, spot 0, od 6.
 *   But three 3-GPU replicas on 4-GPU nodes are 9 GPUs, ceil(9 / 4) = 3, and bins give 3 too; five
 *   3-GPU replicas on 8-GPU nodes are 15 GPUs, ceil(15 / 8) = 2, yet only two fit per node: bins
 *   give 3, and a plan of 2 would leave one replica Pending for ever.
 *
 * Scale-down worked example, pool od (min 1), 5 Ready nodes, 2 busy with 6 free GPUs between them,
 * 3 idle, headroom 8 GPUs:
 *   needed: 2 busy (6 free) + 1 idle kept (6 + 8 = 14 >= 8) = 3
 *   last scale-up 2 minutes ago, cooldown 5 minutes -> desired stays 5 (CooldownHold)
 *   cooldown over -> desired 3 (ScaleDown); the cell agent removes two idle nodes
 */
export function planCapacity(input: CapacityInput, now: Date): CapacityPlan {
  const options = resolveCapacityOptions(input.options);
  const holdings = GpuHoldings.of(input.replicas);
  const rules = new Map(input.deployments.map((d) => [d.metadata?.name ?? '', TierRules.of(d.spec?.placement?.tierPolicy)]));
  const plan: CapacityPlan = { pools: [], unmet: [] };
  const waitingByCell = new Map<string, Replica[]>();
  for (const replica of input.replicas) {
    if (!awaitsNode(replica)) continue;
    const cell = replica.spec?.cell ?? '';
    const list = waitingByCell.get(cell);
    if (list) list.push(replica);
    else waitingByCell.set(cell, [replica]);
  }
  // Cells with waiting replicas but no pool are planned too, so their demand is reported unmet.
  const cells = [...new Set([...input.pools.flatMap((pool) => (pool.spec ? [pool.spec.cell] : [])), ...waitingByCell.keys()])].sort(compareText);

  for (const cell of cells) {
    const capacity = CellCapacity.build(cell, { pools: input.pools, nodes: input.nodes, holdings, now, backoffSeconds: options.capacityUnavailableBackoffSeconds });

    const waiting = (waitingByCell.get(cell) ?? [])
      .map((replica) => ({ replica, request: gpuRequest(replica) }))
      .sort(bindingOrder);
    const unmet = new Map<string, UnmetDemand>();
    for (const { replica, request } of waiting) {
      const tier = replica.spec?.tier || Tier.TIER_UNSPECIFIED;
      const tiers = tier !== Tier.TIER_UNSPECIFIED ? [tier] : (rules.get(replica.spec?.deployment ?? '') ?? TierRules.of(undefined)).allowed;
      const reason = capacity.fit(request, tiers);
      if (!reason) continue;
      const key = `${request.gpuType}\u0000${tier}\u0000${reason}`;
      const entry = unmet.get(key) ?? { cell, gpuType: request.gpuType, tier, gpus: 0, replicas: [], reason, message: '' };
      entry.gpus += request.gpus;
      entry.replicas.push(replicaId(replica));
      entry.message = unmetMessage(entry, tiers);
      unmet.set(key, entry);
    }
    plan.unmet.push(...unmet.values());

    for (const gpuType of capacity.gpuTypes()) {
      capacity.keepFree(gpuType, headroomGpus(capacity.demandGpus(gpuType), options), options.headroomTiers);
    }

    for (const tally of capacity.tallies().sort((a, b) => compareText(a.pool.metadata?.name ?? '', b.pool.metadata?.name ?? ''))) {
      plan.pools.push(decide(cell, tally, input.lastScaleUpAt?.[poolKey(cell, tally.pool.metadata?.name ?? '')], now, options));
    }
  }
  return plan;
}

/** Turns one pool's tally into its desired count: cooldown first, then [min, max]. */
function decide(cell: string, tally: PoolTally, lastScaleUpAt: Date | string | undefined, now: Date, options: ResolvedCapacityOptions): PoolPlan {
  const { pool, serving, idle, needed, added } = tally;
  const name = pool.metadata?.name ?? '';
  const min = Math.max(0, pool.spec?.min ?? 0);
  // Validation rejects min > max; if one slips through, min wins (a pool's floor is a promise).
  const max = Math.max(min, pool.spec?.max ?? 0);
  const previous = pool.status?.desired ?? 0;
  // Launches a pool in backoff was asked for will not come, so only its serving nodes count.
  const current = tally.available ? Math.max(serving, previous) : serving;
  const counts = `${needed} needed of ${serving} serving (${idle} idle, ${added} to add)`;

  let desired = needed;
  let reason: PoolPlanReason = needed > current ? 'ScaleUp' : needed < current ? 'ScaleDown' : 'Steady';
  let message = counts;
  if (reason === 'ScaleDown') {
    const until = scaleDownBlockedUntil(lastScaleUpAt, now, options.scaleDownCooldownSeconds);
    if (until) {
      desired = current;
      reason = 'CooldownHold';
      message = `${counts}; scale-down waits until ${until.toISOString()}`;
    }
  }
  if (desired < min) {
    desired = min;
    reason = 'AtMin';
    message = `${counts}; held at min ${min}`;
  } else if (desired > max) {
    desired = max;
    reason = 'AtMax';
    message = `${counts}; held at max ${max}`;
  }
  return { cell, pool: name, desired, reason, message, direction: desired > previous ? 'up' : desired < previous ? 'down' : 'hold', serving, idle };
}

function unmetMessage(entry: UnmetDemand, tiers: readonly Tier[]): string {
  const what = `${entry.replicas.length} replica(s), ${entry.gpus} ${entry.gpuType || 'any-type'} GPUs on ${tiers.map(tierWord).join(', ')}`;
  switch (entry.reason) {
    case REPLICA_REASONS.noMatchingPool:
      return `${what}: no pool in cell ${entry.cell} offers that GPU type and tier on nodes big enough`;
    case REPLICA_REASONS.capacityUnavailable:
      return `${what}: every matching pool in cell ${entry.cell} is out of cloud capacity (CapacityUnavailable)`;
    case REPLICA_REASONS.poolsAtMax:
      return `${what}: every matching pool in cell ${entry.cell} is at its max`;
  }
}
