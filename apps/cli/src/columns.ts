import { CellPhase, enumDisplayName, LoadSignal, metaOf, NodePhase, ReplicaPhase, Tier, type AnyResource, type Autoscaling, type GpuCapacity, type KindName, type ResourceTypes } from '@helios/api';
import { age } from './human-duration';

/** One column of `helios get`: its header and how to compute its cell. */
export interface Column<K extends KindName> {
  header: string;
  cell(resource: ResourceTypes[K], now: number): string;
}

/** The columns of a kind: the default ones, and the extra ones `-o wide` appends before AGE. */
export interface KindColumns<K extends KindName> {
  columns: Column<K>[];
  wide: Column<K>[];
}

const NONE = '<none>';
const text = (value: string | undefined): string => (value ? value : NONE);
const word = (enumObject: Record<string, string | number>, value: number): string => (value ? enumDisplayName(enumObject, value) : NONE);
const tier = (value: Tier): string => word(Tier as unknown as Record<string, number>, value);
const list = (values: readonly (string | number)[]): string => (values.length ? values.join(',') : NONE);

/** GPUs in use out of those provisioned, summed over tiers: `8/16`. */
function gpuUsage(gpus: readonly GpuCapacity[]): string {
  const total = (f: (g: GpuCapacity) => number) => gpus.reduce((n, g) => n + f(g), 0);
  return `${total((g) => g.allocated)}/${total((g) => g.provisioned)}`;
}

/** Sums one state of GPUs over the status entries. */
const gpuSum = (gpus: readonly GpuCapacity[], state: 'free' | 'unhealthy'): string => String(gpus.reduce((n, g) => n + g[state], 0));

/** A cell's allocated/provisioned GPUs of one tier, for the per-tier columns of `-o wide`. */
const tierUsage = (t: Tier, header: string) => ({ header, cell: (c: ResourceTypes['cell']) => gpuUsage((c.status?.gpus ?? []).filter((g) => g.tier === t)) });

/**
 * The signals an autoscaled deployment follows, each with its target per replica:
 * `InFlight=4`, `InFlight=4,kv-cache=0.8` (a gauge by its name); '<none>' when it is not autoscaled.
 */
function autoscalingSignals(autoscaling: Autoscaling | undefined): string {
  if (!autoscaling) return NONE;
  const signals = [
    ...(autoscaling.targetLoad > 0 ? [`InFlight=${autoscaling.targetLoad}`] : []),
    ...(autoscaling.metrics ?? []).map((m) => `${m.signal === LoadSignal.LOAD_SIGNAL_GAUGE ? m.gauge : word(LoadSignal as unknown as Record<string, number>, m.signal)}=${m.target}`),
  ];
  return list(signals);
}

const NAME = { header: 'NAME', cell: (r: AnyResource) => metaOf(r).name };
const AGE = { header: 'AGE', cell: (r: AnyResource, now: number) => age(metaOf(r).createdAt, now) };

/**
 * The table columns of every kind. Cells read only the resource and the clock, so tables are
 * pure functions of a snapshot.
 */
export const COLUMNS: { [K in KindName]: KindColumns<K> } = {
  cell: {
    columns: [
      NAME,
      { header: 'PROVIDER', cell: (c) => text(c.spec?.provider) },
      { header: 'REGION', cell: (c) => text(c.spec?.region) },
      { header: 'PHASE', cell: (c) => word(CellPhase as unknown as Record<string, number>, c.status?.phase ?? 0) },
      // Ready nodes out of registered ones, like kubectl's READY 2/3.
      { header: 'NODES', cell: (c) => `${c.status?.readyNodes ?? 0}/${c.status?.nodes ?? 0}` },
      { header: 'GPUS', cell: (c) => gpuUsage(c.status?.gpus ?? []) },
      AGE,
    ],
    wide: [
      { header: 'ZONES', cell: (c) => list(c.spec?.zones ?? []) },
      { header: 'AGENT', cell: (c) => (c.status?.agentLive ? text(c.status.agentId) : NONE) },
      tierUsage(Tier.TIER_RESERVED, 'RESERVED'),
      tierUsage(Tier.TIER_PREEMPTIBLE, 'PREEMPTIBLE'),
      tierUsage(Tier.TIER_ON_DEMAND, 'ON-DEMAND'),
    ],
  },
  nodePool: {
    columns: [
      NAME,
      { header: 'CELL', cell: (p) => text(p.spec?.cell) },
      { header: 'TIER', cell: (p) => tier(p.spec?.tier ?? 0) },
      { header: 'GPU', cell: (p) => text(p.spec?.gpuType) },
      { header: 'MIN', cell: (p) => String(p.spec?.min ?? 0) },
      { header: 'MAX', cell: (p) => String(p.spec?.max ?? 0) },
      { header: 'DESIRED', cell: (p) => String(p.status?.desired ?? 0) },
      { header: 'READY', cell: (p) => String(p.status?.ready ?? 0) },
      AGE,
    ],
    wide: [
      { header: 'INSTANCE-TYPE', cell: (p) => text(p.spec?.instanceType) },
      { header: 'GPUS/NODE', cell: (p) => String(p.spec?.gpusPerNode ?? 0) },
      { header: 'ZONE', cell: (p) => text(p.spec?.zone) },
      { header: 'RESERVATION', cell: (p) => text(p.spec?.reservationId) },
      { header: 'GPUS', cell: (p) => gpuUsage(p.status?.gpus ?? []) },
      { header: 'FREE', cell: (p) => gpuSum(p.status?.gpus ?? [], 'free') },
      { header: 'UNHEALTHY', cell: (p) => gpuSum(p.status?.gpus ?? [], 'unhealthy') },
    ],
  },
  node: {
    columns: [
      NAME,
      { header: 'CELL', cell: (n) => text(n.spec?.cell) },
      { header: 'POOL', cell: (n) => text(n.spec?.pool) },
      { header: 'TIER', cell: (n) => tier(n.spec?.tier ?? 0) },
      { header: 'GPUS', cell: (n) => String(n.spec?.gpus ?? 0) },
      {
        header: 'PHASE',
        // kubectl marks a cordoned node `Ready,SchedulingDisabled`.
        cell: (n) => word(NodePhase as unknown as Record<string, number>, n.status?.phase ?? 0) + (n.spec?.unschedulable ? ',SchedulingDisabled' : ''),
      },
      AGE,
    ],
    wide: [
      { header: 'GPU-TYPE', cell: (n) => text(n.spec?.gpuType) },
      { header: 'ALLOCATABLE', cell: (n) => String(n.status?.allocatableGpus ?? 0) },
      { header: 'ZONE', cell: (n) => text(n.spec?.zone) },
      { header: 'PROVIDER-ID', cell: (n) => text(n.spec?.providerId) },
      { header: 'ADDRESS', cell: (n) => text(n.status?.address) },
    ],
  },
  deployment: {
    columns: [
      NAME,
      // spec.replicas: what the autoscaler (or the operator) wants; CURRENT: the replicas that exist.
      { header: 'DESIRED', cell: (d) => String(d.spec?.replicas ?? 0) },
      { header: 'CURRENT', cell: (d) => String(d.status?.replicas ?? 0) },
      { header: 'READY', cell: (d) => String(d.status?.readyReplicas ?? 0) },
      { header: 'UPDATED', cell: (d) => String(d.status?.updatedReplicas ?? 0) },
      { header: 'AVAILABLE', cell: (d) => String(d.status?.availableReplicas ?? 0) },
      { header: 'MIN', cell: (d) => (d.spec?.autoscaling ? String(d.spec.autoscaling.minReplicas) : NONE) },
      { header: 'MAX', cell: (d) => (d.spec?.autoscaling ? String(d.spec.autoscaling.maxReplicas) : NONE) },
      { header: 'SIGNAL', cell: (d) => autoscalingSignals(d.spec?.autoscaling) },
      { header: 'REVISION', cell: (d) => String(d.status?.revision ?? 0) },
      AGE,
    ],
    wide: [
      { header: 'GPUS', cell: (d) => String(d.spec?.template?.gpus ?? 0) },
      { header: 'GPU-TYPE', cell: (d) => text(d.spec?.template?.gpuType) },
      { header: 'CELLS', cell: (d) => list(d.spec?.placement?.cells ?? []) },
      { header: 'IMAGE', cell: (d) => text(d.spec?.template?.image || (d.spec?.template?.command ?? []).join(' ')) },
    ],
  },
  replica: {
    columns: [
      NAME,
      { header: 'DEPLOYMENT', cell: (r) => text(r.spec?.deployment) },
      { header: 'CELL', cell: (r) => text(r.spec?.cell) },
      { header: 'NODE', cell: (r) => text(r.spec?.node) },
      { header: 'PHASE', cell: (r) => word(ReplicaPhase as unknown as Record<string, number>, r.status?.phase ?? 0) },
      { header: 'ENDPOINT', cell: (r) => text(r.status?.endpoint) },
      { header: 'RESTARTS', cell: (r) => String(r.status?.restarts ?? 0) },
      AGE,
    ],
    wide: [
      { header: 'REVISION', cell: (r) => String(r.spec?.revision ?? 0) },
      { header: 'TIER', cell: (r) => tier(r.spec?.tier ?? 0) },
      { header: 'GPU-INDICES', cell: (r) => list(r.spec?.gpuIndices ?? []) },
      { header: 'REASON', cell: (r) => text(r.status?.reason) },
    ],
  },
};

/** Header and cells of a kind's table; `wide` inserts the extra columns before AGE. */
export function tableOf<K extends KindName>(kind: K, resources: readonly ResourceTypes[K][], wide: boolean, now: number): { header: string[]; rows: string[][] } {
  const { columns, wide: extra } = COLUMNS[kind] as KindColumns<K>;
  const all = wide ? [...columns.slice(0, -1), ...extra, columns[columns.length - 1]!] : columns;
  return { header: all.map((c) => c.header), rows: resources.map((r) => all.map((c) => c.cell(r, now))) };
}
