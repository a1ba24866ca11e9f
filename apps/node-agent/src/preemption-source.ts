import type { PreemptionSource } from '@helios/node-agent';
import { GceMetadataClient, ImdsClient } from '@helios/instance-metadata';

/** Which cloud's preemption notice a node agent watches: none (on-demand and reserved hosts, or no cloud), AWS or GCP. */
export type PreemptionSourceKind = 'none' | 'aws' | 'gcp';

/** Reads the `--preemption` flag; throws naming the accepted values. */
export function parsePreemptionFlag(value: string): PreemptionSourceKind {
  if (value === 'none' || value === 'aws' || value === 'gcp') return value;
  throw new Error(`--preemption must be none, aws or gcp, got "${value}"`);
}

/**
 * Builds the client that reads the cloud's preemption notice: IMDSv2 `spot/instance-action` on AWS,
 * the metadata server's `instance/preempted` on GCP. `metadataUrl` overrides the well-known
 * endpoint (tests point it at a local server). Undefined for `none`.
 */
export function preemptionSourceFor(kind: PreemptionSourceKind, metadataUrl = ''): PreemptionSource | undefined {
  const baseUrl = metadataUrl || undefined;
  switch (kind) {
    case 'aws':
      return new ImdsClient({ baseUrl });
    case 'gcp':
      return new GceMetadataClient({ baseUrl });
    case 'none':
      return undefined;
  }
}
