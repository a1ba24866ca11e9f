import { CellPhase, enumDisplayName, SpreadPolicy, Tier, tierWord, type Cell, type Deployment, type Node, type NodePool, type Replica } from '@helios/api';
import { awaitsCell, isLive, REPLICA_REASONS } from '@helios/replica-lifecycle';
import { CellInventory, type CellOption } from './cell-inventory';
import { compareText, gpuRequest, largestFirst } from './replica-state';
import { TierRules } from './tier-rules';
import { tierRank } from './tiers';

/** A snapshot of the fleet, as the control plane sees it when it places one deployment. */
export interface PlacementInput {
  deployment: Deployment;
  /**
   * Replicas of every deployment. This deployment's Pending replicas without a cell are placed; the
   * others tell which GPUs are taken or spoken for.
   */
  replicas: readonly Replica[];
  cells: readonly Cell[];
  pools: readonly NodePool[];
  nodes: readonly Node[];
  /** Lets CapacityUnavailable pools come back after their backoff; without it they stay skipped. */
  now?: Date;
  capacityUnavailableBackoffSeconds?: number;
}

/** A deployment to place on inventories the caller keeps (see placeOnInventories). */
export interface InventoryPlacementInput {
  deployment: Deployment;
  /** The deployment's replicas that count (see demandingReplicas): its Pending ones without a cell are placed. */
  own: readonly Replica[];
  cells: readonly Cell[];
  /**
   * The inventory of a candidate cell (Ready and allowed), holding every replica placed there
   * already (CellInventory.of); the plan commits its choices into it.
   */
  inventoryOf: (cell: string) => CellInventory;
}

/** One replica given a cell and the tier it will run on there. */
export interface Assignment {
  replica: Replica;
  cell: string;
  tier: Tier;
}

/**
 * Why a replica could not be placed: no allowed cell is Ready; no Ready allowed cell has free or
 * addable capacity of its GPU type on an allowed tier; or only preemptible capacity is left and the
 * deployment's preemptible share is used up.
 */
export type UnplaceableReason = typeof REPLICA_REASONS.noReadyCell | typeof REPLICA_REASONS.noCapacity | typeof REPLICA_REASONS.preemptibleLimit;

/** A replica left without a cell, with the reason and a sentence for people. */
export interface Unplaceable {
  replica: Replica;
  reason: UnplaceableReason;
  message: string;
}

/** The cell placement plan of one deployment. */
export interface PlacementPlan {
  assignments: Assignment[];
  unplaceable: Unplaceable[];
}

/**
 * Assigns each Pending replica of a deployment (one without a cell) to a cell and a tier.
 *
 * Candidates are the deployment's allowed cells (`spec.placement.cells`, empty = all) whose phase is
 * Ready: a cell whose agent is unreachable or that is Degraded gets nothing. In each, a replica's
 * options rank: free GPUs on a Ready node first (reserved, then preemptible, then on-demand), then
 * capacity that can be added (launching nodes, then pool headroom up to max, skipping pools in
 * CapacityUnavailable backoff), again in tier order; then by price per GPU and tightest fit.
 *
 *   PACK (default): the cell with the best option wins; ties go to the cell name.
 *   SPREAD: the cell with the fewest of this deployment's active replicas wins (counting those
 *           already placed), then the best option, then the name.
 *
 * The tier policy limits tiers to `allowed`, and preemptible to floor(maxPreemptiblePercent % of
 * spec.replicas) active replicas, counting those already there (see TierRules.preemptibleLimit).
 * Replicas are placed largest first; each placement takes its GPUs out of the simulation before the
 * next is placed.
 *
 * Worked example (PACK), h100, 2 GPUs per replica, 4 replicas, all tiers allowed:
 *   east: reserved node e1 with 4 free; on-demand pool (8 GPUs per node, max 2, no nodes)
 *   west: on-demand node w1 with 8 free
 *   north: Unreachable, whatever it has
 *   r0 -> east reserved (e1 4 -> 2)     r1 -> east reserved (e1 2 -> 0)
 *   r2 -> west on-demand (w1 8 -> 6)     r3 -> west on-demand (w1 6 -> 4)
 *   Free on-demand in west beats adding a node in east: it is there now and costs nothing more.
 *
 * Worked example (SPREAD), 1-GPU replicas, 4 to place, 1 already in east; free on-demand GPUs:
 * east 8, west 9.
 *   r0 -> west (east has 1, west 0)                     west 9 -> 8
 *   r1 -> east (1:1, both fits leave 7, name decides)   east 8 -> 7
 *   r2 -> west (2:1)                                    west 8 -> 7
 *   r3 -> east (2:2, both fits leave 6, name decides)   east ends with 3 replicas, west with 2
 *
 * Worked example (tier policy), 8 replicas, 50 % preemptible at most, 1 already preemptible, free
 * preemptible and on-demand GPUs everywhere: limit 4, so 3 more go preemptible and 4 go on-demand.
 */
export function placeReplicas(input: PlacementInput): PlacementPlan {
  const name = input.deployment.metadata?.name ?? '';
  const replicasByCell = groupBy(input.replicas.filter((replica) => !!replica.spec?.cell), (replica) => replica.spec?.cell ?? '');
  return placeOnInventories({
    deployment: input.deployment,
    own: input.replicas.filter((replica) => replica.spec?.deployment === name),
    cells: input.cells,
    inventoryOf: (cell) =>
      CellInventory.of(cell, {
        pools: input.pools,
        nodes: input.nodes,
        replicas: replicasByCell.get(cell) ?? [],
        now: input.now,
        capacityUnavailableBackoffSeconds: input.capacityUnavailableBackoffSeconds,
      }),
  });
}

/**
 * The same decision as {@link placeReplicas}, on cell inventories the caller keeps: a controller
 * placing deployment after deployment builds each cell's inventory once (CellInventory.of) and
 * keeps it while nothing in the cell changes, so a reconcile costs its own replicas and the
 * candidate cells, not the fleet. The plan's choices are committed into the inventories handed
 * out, so a later call on the same inventories sees these GPUs taken.
 */
export function placeOnInventories(input: InventoryPlacementInput): PlacementPlan {
  const { deployment } = input;
  const spec = deployment.spec;
  const rules = TierRules.of(spec?.placement?.tierPolicy);
  const spread = spec?.placement?.spread === SpreadPolicy.SPREAD_POLICY_SPREAD;
  const allowedCells = new Set(spec?.placement?.cells ?? []);
  const isAllowed = (cell: string): boolean => allowedCells.size === 0 || allowedCells.has(cell);

  const own = input.own;
  const pending = own
    .filter(awaitsCell)
    .map((replica) => ({ replica, request: gpuRequest(replica, spec?.template) }))
    .sort(largestFirst);
  const plan: PlacementPlan = { assignments: [], unplaceable: [] };
  if (pending.length === 0) return plan;

  const candidates = input.cells
    .filter((cell) => isAllowed(cell.metadata?.name ?? '') && cell.status?.phase === CellPhase.CELL_PHASE_READY)
    .map((cell) => cell.metadata?.name ?? '')
    .sort(compareText);
  if (candidates.length === 0) {
    const message = `no allowed cell is Ready (${describeCells(input.cells, allowedCells)})`;
    for (const { replica } of pending) plan.unplaceable.push({ replica, reason: REPLICA_REASONS.noReadyCell, message });
    return plan;
  }

  const inventories = candidates.map((cell) => input.inventoryOf(cell));

  const placed = own.filter((replica) => !!replica.spec?.cell && isLive(replica));
  const placedByCell = groupBy(placed, (replica) => replica.spec?.cell ?? '');
  const perCell = new Map(candidates.map((cell) => [cell, placedByCell.get(cell)?.length ?? 0]));
  let preemptible = placed.filter((replica) => replica.spec?.tier === Tier.TIER_PREEMPTIBLE).length;
  const preemptibleLimit = rules.preemptibleLimit(spec?.replicas ?? 0);

  for (const { replica, request } of pending) {
    const tiers = rules.allowed.filter((tier) => tier !== Tier.TIER_PREEMPTIBLE || preemptible < preemptibleLimit);
    const options = inventories.flatMap((inventory) => inventory.bestOption(request, tiers) ?? []);
    const chosen = options.sort((a, b) => (spread ? perCell.get(a.cell)! - perCell.get(b.cell)! : 0) || compareOptions(a, b))[0];
    if (chosen) {
      inventories.find((inventory) => inventory.cell === chosen.cell)!.commit(chosen, request.gpus);
      perCell.set(chosen.cell, perCell.get(chosen.cell)! + 1);
      if (chosen.tier === Tier.TIER_PREEMPTIBLE) preemptible += 1;
      plan.assignments.push({ replica, cell: chosen.cell, tier: chosen.tier });
      continue;
    }
    const limited = tiers.length < rules.allowed.length && inventories.some((inventory) => inventory.bestOption(request, rules.allowed));
    const what = `${request.gpus} ${request.gpuType || 'any-type'} GPUs on one node`;
    plan.unplaceable.push(
      limited
        ? { replica, reason: REPLICA_REASONS.preemptibleLimit, message: `only preemptible capacity is left for ${what}, and ${preemptible} of at most ${preemptibleLimit} replicas are preemptible already` }
        : {
            replica,
            reason: REPLICA_REASONS.noCapacity,
            message: `no Ready allowed cell (${candidates.join(', ')}) has free or addable capacity for ${what} on tiers ${rules.allowed.map(tierWord).join(', ')}`,
          },
    );
  }
  return plan;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Orders options: free before addable, then cheaper tier, then price per GPU, then tighter fit, then cell. */
function compareOptions(a: CellOption, b: CellOption): number {
  const source = (a.source === 'free' ? 0 : 1) - (b.source === 'free' ? 0 : 1);
  if (source !== 0) return source;
  const tier = tierRank(a.tier) - tierRank(b.tier);
  if (tier !== 0) return tier;
  if (a.pricePerGpu !== b.pricePerGpu) return a.pricePerGpu < b.pricePerGpu ? -1 : 1;
  return a.leftover - b.leftover || compareText(a.cell, b.cell);
}

function describeCells(cells: readonly Cell[], allowed: ReadonlySet<string>): string {
  const phases = new Map(cells.map((cell) => [cell.metadata?.name ?? '', cell.status?.phase ?? CellPhase.CELL_PHASE_UNSPECIFIED]));
  const names = allowed.size > 0 ? [...allowed].sort(compareText) : [...phases.keys()].sort(compareText);
  if (names.length === 0) return 'there are no cells';
  return names.map((cell) => `${cell}: ${phases.has(cell) ? phaseLabel(phases.get(cell)!) : 'unknown'}`).join(', ');
}

function phaseLabel(phase: CellPhase): string {
  return phase === CellPhase.CELL_PHASE_UNSPECIFIED ? 'no phase' : enumDisplayName(CellPhase, phase);
}
