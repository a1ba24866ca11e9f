import type { Replica, ReplicaTemplate } from '@helios/api';

/** What one replica asks of a node: a number of GPUs of one type (`''` = any type). */
export interface GpuRequest {
  gpus: number;
  gpuType: string;
}

/**
 * Reads the GPUs a replica needs from its own template, falling back to its deployment's (a replica
 * created before its template was copied still has a size). Negative counts read as 0.
 */
export function gpuRequest(replica: Replica, fallback?: ReplicaTemplate): GpuRequest {
  const template = replica.spec?.template ?? fallback;
  return { gpus: Math.max(0, Math.trunc(template?.gpus ?? 0)), gpuType: template?.gpuType ?? '' };
}

/** Identifies a replica across deployments: `<deployment>/<replica>` (replica names are unique per deployment only). */
export function replicaId(replica: Replica): string {
  return `${replica.spec?.deployment ?? ''}/${replica.metadata?.name ?? ''}`;
}

/** Compares replicas larger first, then by identity, the order in which bin-packing handles them. */
export function largestFirst(a: { replica: Replica; request: GpuRequest }, b: { replica: Replica; request: GpuRequest }): number {
  return b.request.gpus - a.request.gpus || compareText(replicaId(a.replica), replicaId(b.replica));
}

/**
 * Compares replicas in the order binding handles them: those with a tier before those without (the
 * constrained first, so a flexible replica never takes the only node a tiered one could use), then
 * larger first, then by identity. The binder and the capacity planner share it, so the planner's
 * simulation makes the choices the binder will make.
 */
export function bindingOrder(a: { replica: Replica; request: GpuRequest }, b: { replica: Replica; request: GpuRequest }): number {
  return Number(!a.replica.spec?.tier) - Number(!b.replica.spec?.tier) || largestFirst(a, b);
}

/** Orders strings by code unit, the same on every machine (localeCompare is not). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
