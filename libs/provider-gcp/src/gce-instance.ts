import type { protos } from '@google-cloud/compute';
import { tierOfWord } from '@helios/api';
import type { Instance, InstanceState } from '@helios/provider';
import { HELIOS_LABEL, TOKEN_DESCRIPTION_PREFIX } from './gcp-labels';

type GceInstance = protos.google.cloud.compute.v1.IInstance;

/** The port's instance id for a GCE instance: `<zone>/<name>`, since every GCE call needs both. */
export function instanceId(zone: string, name: string): string {
  return `${zone}/${name}`;
}

/** Splits an instance id made by `instanceId`; undefined when it is not `<zone>/<name>`. */
export function parseInstanceId(id: string): { zone: string; name: string } | undefined {
  const match = /^([a-z0-9-]+)\/([a-z]([-a-z0-9]*[a-z0-9])?)$/.exec(id);
  return match ? { zone: match[1]!, name: match[2]! } : undefined;
}

/** The last path segment of a GCE resource URL (`.../zones/us-central1-a` -> `us-central1-a`). */
export function lastSegment(url: string | null | undefined): string {
  return (url ?? '').split('/').pop() ?? '';
}

/**
 * Maps a GCE instance status to the port's. TERMINATED in GCE means stopped, not deleted: the VM
 * and its disks still exist, so it reads as `stopping` like STOPPING, SUSPENDING, SUSPENDED and
 * REPAIRING. A deleted instance is simply absent from lists.
 */
export function instanceStateOf(status: string | null | undefined): InstanceState {
  switch (status) {
    case 'PROVISIONING':
    case 'STAGING':
    case 'PENDING':
      return 'pending';
    case 'RUNNING':
      return 'running';
    default:
      return 'stopping';
  }
}

/**
 * Turns a GCE instance into the port's Instance, reading cell, pool, node and tier from the
 * Helios labels and the token from the description. A missing label reads as "" so the pool
 * reconciler treats the instance as unknown.
 */
export function toInstance(gce: GceInstance): Instance {
  const labels = gce.labels ?? {};
  const zone = lastSegment(gce.zone);
  const description = gce.description ?? '';
  return {
    id: instanceId(zone, gce.name ?? ''),
    cell: labels[HELIOS_LABEL.cell] ?? '',
    pool: labels[HELIOS_LABEL.pool] ?? '',
    node: labels[HELIOS_LABEL.node] ?? '',
    tier: tierOfWord(labels[HELIOS_LABEL.tier]),
    state: instanceStateOf(gce.status == null ? undefined : String(gce.status)),
    zone,
    launchedAt: gce.creationTimestamp ? new Date(gce.creationTimestamp) : new Date(0),
    ...(description.startsWith(TOKEN_DESCRIPTION_PREFIX) ? { token: description.slice(TOKEN_DESCRIPTION_PREFIX.length) } : {}),
  };
}
