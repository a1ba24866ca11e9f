import {
  Cell,
  CellPhase,
  Deployment,
  Node,
  NodePhase,
  NodePool,
  Replica,
  ReplicaPhase,
  SpreadPolicy,
  Tier,
} from '@helios/api';
import { POOL_CONDITIONS } from '@helios/replica-lifecycle';

/** Test snapshots: terse builders with the defaults most cases share (h100, 8-GPU, on-demand, Ready). */

export function cell(name: string, phase = CellPhase.CELL_PHASE_READY): Cell {
  return Cell.fromPartial({ metadata: { name }, spec: { provider: 'sim' }, status: { phase } });
}

export interface PoolOptions {
  gpuType?: string;
  gpusPerNode?: number;
  tier?: Tier;
  min?: number;
  max?: number;
  desired?: number;
  price?: number;
  /** Marks the pool CapacityUnavailable since this time ('' = no time). */
  unavailableSince?: string;
}

export function pool(cellName: string, name: string, o: PoolOptions = {}): NodePool {
  return NodePool.fromPartial({
    metadata: { name },
    spec: {
      cell: cellName,
      gpuType: o.gpuType ?? 'h100',
      gpusPerNode: o.gpusPerNode ?? 8,
      tier: o.tier ?? Tier.TIER_ON_DEMAND,
      min: o.min ?? 0,
      max: o.max ?? 10,
      hourlyPrice: o.price ?? 0,
    },
    status: {
      desired: o.desired ?? 0,
      conditions:
        o.unavailableSince === undefined
          ? []
          : [{ type: POOL_CONDITIONS.capacityUnavailable, status: 'True', reason: 'InsufficientCapacity', lastTransitionTime: o.unavailableSince || undefined }],
    },
  });
}

export interface NodeOptions {
  pool?: string;
  gpuType?: string;
  gpus?: number;
  tier?: Tier;
  phase?: NodePhase;
  unschedulable?: boolean;
  unhealthy?: number[];
  /** When false the node reports counts only, no GPU list. */
  reported?: boolean;
}

export function node(cellName: string, name: string, o: NodeOptions = {}): Node {
  const gpus = o.gpus ?? 8;
  const unhealthy = new Set(o.unhealthy ?? []);
  return Node.fromPartial({
    metadata: { name },
    spec: {
      cell: cellName,
      pool: o.pool ?? '',
      tier: o.tier ?? Tier.TIER_ON_DEMAND,
      gpuType: o.gpuType ?? 'h100',
      gpus,
      unschedulable: o.unschedulable ?? false,
    },
    status: {
      phase: o.phase ?? NodePhase.NODE_PHASE_READY,
      allocatableGpus: gpus - unhealthy.size,
      gpus: o.reported === false ? [] : Array.from({ length: gpus }, (_, index) => ({ index, healthy: !unhealthy.has(index) })),
    },
  });
}

export interface ReplicaOptions {
  gpus?: number;
  gpuType?: string;
  cell?: string;
  node?: string;
  tier?: Tier;
  indices?: number[];
  phase?: ReplicaPhase;
}

export function replica(deploymentName: string, name: string, o: ReplicaOptions = {}): Replica {
  return Replica.fromPartial({
    metadata: { name },
    spec: {
      deployment: deploymentName,
      template: { gpus: o.gpus ?? 1, gpuType: o.gpuType ?? 'h100' },
      cell: o.cell ?? '',
      node: o.node ?? '',
      tier: o.tier ?? Tier.TIER_UNSPECIFIED,
      gpuIndices: o.indices ?? [],
    },
    status: { phase: o.phase ?? ReplicaPhase.REPLICA_PHASE_PENDING },
  });
}

export interface DeploymentOptions {
  replicas?: number;
  gpus?: number;
  gpuType?: string;
  cells?: string[];
  spread?: SpreadPolicy;
  allowed?: Tier[];
  maxPreemptiblePercent?: number;
}

export function deployment(name: string, o: DeploymentOptions = {}): Deployment {
  return Deployment.fromPartial({
    metadata: { name },
    spec: {
      replicas: o.replicas ?? 1,
      template: { gpus: o.gpus ?? 1, gpuType: o.gpuType ?? 'h100' },
      placement: {
        cells: o.cells ?? [],
        spread: o.spread ?? SpreadPolicy.SPREAD_POLICY_PACK,
        tierPolicy: { allowed: o.allowed ?? [], maxPreemptiblePercent: o.maxPreemptiblePercent ?? 0 },
      },
    },
  });
}

/** `count` Pending replicas of a deployment named `<deployment>-<i>`, each `gpus` GPUs. */
export function pendingReplicas(deploymentName: string, count: number, gpus = 1, gpuType = 'h100'): Replica[] {
  return Array.from({ length: count }, (_, i) => replica(deploymentName, `${deploymentName}-${i}`, { gpus, gpuType }));
}
