import { Tier } from '@helios/api';

/** One pool of the benchmark fleet. */
export interface PoolSpec {
  cell: string;
  name: string;
  tier: Tier;
  min: number;
  max: number;
  /** Price of one node-hour; the lower bound uses the same prices. */
  price: number;
  gpusPerNode: number;
}

/** One deployment of the trace. */
export interface DeploymentSpec {
  name: string;
  replicas: number;
  gpus: number;
  /** Allowed tiers; empty = all. */
  tiers?: Tier[];
  maxPreemptiblePercent?: number;
  cells?: string[];
  spread?: boolean;
}

/** What one trace step does, in order: deployments arrive, scale, leave; capacity is taken away or given back; nodes are preempted; an agent is killed. */
export interface TraceStep {
  label: string;
  arrive?: DeploymentSpec[];
  scale?: { name: string; replicas: number }[];
  leave?: string[];
  /** Freeze these pools at their current size: further launches fail with InsufficientCapacity. */
  stockOut?: string[];
  /** Lift a stock-out. */
  restock?: string[];
  /** Preempt this many busy preemptible instances (busiest first), with the bench's notice. */
  preempt?: number;
  /** SIGKILL the agent of the first cell that launches after the step's changes, mid-launch, and start it again. */
  killAgent?: boolean;
}

const R = Tier.TIER_RESERVED;
const P = Tier.TIER_PREEMPTIBLE;
const OD = Tier.TIER_ON_DEMAND;

export const CELLS = ['sim-a', 'sim-b', 'sim-c'];

/**
 * Three cells, each with a reserved pool (a paid reservation: min = max), a preemptible pool and
 * an on-demand pool of 8-GPU nodes. Prices per node-hour, in the ratio of public H100 prices:
 * reserved is cheapest per GPU (already paid for), preemptible about a third of on-demand.
 */
export const POOLS: PoolSpec[] = CELLS.flatMap((cell, i) => [
  { cell, name: `${cell}-reserved`, tier: R, min: 4, max: 4, price: 40 + i, gpusPerNode: 8 },
  { cell, name: `${cell}-spot`, tier: P, min: 0, max: 40, price: 30 + 2 * i, gpusPerNode: 8 },
  { cell, name: `${cell}-ondemand`, tier: OD, min: 0, max: 60, price: 98 - 2 * i, gpusPerNode: 8 },
]);

/**
 * The trace: inference services arriving, scaling and leaving with 1, 2, 4 and 8 GPUs per
 * replica and different tier policies (some forbid preemptible capacity, some cap it at half, one
 * spreads over the cells, one is confined to two), with a stock-out, preemptions and a cell agent
 * crash on the way, and everything leaving at the end (pools back to min after the cooldown).
 * Replica counts are not round: demand rarely fills whole nodes. Peak demand is about 590 GPUs.
 */
export const TRACE: TraceStep[] = [
  {
    label: 'first services arrive',
    arrive: [
      { name: 'llama-70b', replicas: 15, gpus: 8, tiers: [R, OD] },
      { name: 'mixtral', replicas: 23, gpus: 4, maxPreemptiblePercent: 50, spread: true },
      { name: 'embed', replicas: 45, gpus: 1 },
    ],
  },
  { label: 'rerank arrives in two cells; embed grows', arrive: [{ name: 'rerank', replicas: 30, gpus: 2, tiers: [R, OD], cells: ['sim-a', 'sim-b'] }], scale: [{ name: 'embed', replicas: 77 }] },
  { label: 'sim-a runs out of preemptible capacity; batch arrives', stockOut: ['sim-a-spot'], arrive: [{ name: 'batch', replicas: 11, gpus: 8, maxPreemptiblePercent: 100 }] },
  { label: 'four busy preemptible nodes are preempted; mixtral grows', preempt: 4, scale: [{ name: 'mixtral', replicas: 37 }] },
  { label: 'llama-70b grows while a cell agent is killed mid-launch', scale: [{ name: 'llama-70b', replicas: 26 }], killAgent: true },
  { label: 'embed shrinks; rerank leaves', scale: [{ name: 'embed', replicas: 37 }], leave: ['rerank'] },
  { label: 'sim-a restocked; whisper arrives', restock: ['sim-a-spot'], arrive: [{ name: 'whisper', replicas: 61, gpus: 1, maxPreemptiblePercent: 100 }] },
  { label: 'batch leaves; mixtral shrinks; codegen arrives', leave: ['batch'], scale: [{ name: 'mixtral', replicas: 22 }], arrive: [{ name: 'codegen', replicas: 45, gpus: 2 }] },
  { label: 'everything leaves', leave: ['llama-70b', 'mixtral', 'embed', 'whisper', 'codegen'] },
];
