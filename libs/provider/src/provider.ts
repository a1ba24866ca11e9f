import type { Tier } from '@helios/api';

/** What a pool asks the cloud for; everything an adapter needs to launch one of its nodes. */
export interface PoolTemplate {
  cell: string;
  pool: string;
  region: string;
  zone: string;
  instanceType: string;
  gpuType: string;
  gpusPerNode: number;
  tier: Tier;
  /** AWS capacity reservation id / GCP reservation name, for reserved pools. */
  reservationId?: string;
}

/** One launch call. The token makes it idempotent: the same token never yields more instances. */
export interface LaunchRequest {
  template: PoolTemplate;
  count: number;
  /**
   * Idempotency token derived from the launch intent persisted in etcd before the call
   * (EC2 ClientToken, at most 64 ASCII chars; GCP requestId, a UUID, derived per instance).
   */
  token: string;
  /** Node names to give the instances, one per instance (count of them). */
  nodeNames: string[];
}

export type InstanceState = 'pending' | 'running' | 'stopping' | 'terminated';

/** An instance as the cloud reports it, identified by the tags/labels Helios put on it. */
export interface Instance {
  /** The cloud's id (EC2 instance id, GCP instance name/id, sim id). */
  id: string;
  cell: string;
  pool: string;
  node: string;
  tier: Tier;
  state: InstanceState;
  zone: string;
  launchedAt: Date;
  /** Idempotency token the instance was launched with, when the cloud reports it. */
  token?: string;
}

export type { PreemptionNotice } from '@helios/instance-metadata';

/**
 * The only door to a cloud. Each cell agent holds one; nothing else calls a cloud SDK.
 * Methods reject with a ProviderError whose `code` says what went wrong.
 */
export interface CloudProvider {
  /** Provider name: "sim", "aws", "gcp". */
  readonly name: string;
  /** Launches `count` instances with the request's idempotency token; repeats return the same instances. */
  launch(request: LaunchRequest): Promise<Instance[]>;
  /** Terminates instances by cloud id; ids already gone are not an error. */
  terminate(instanceIds: string[]): Promise<void>;
  /** Lists the non-terminated instances tagged as belonging to this cell (optionally one pool). */
  list(cell: string, pool?: string): Promise<Instance[]>;
}
