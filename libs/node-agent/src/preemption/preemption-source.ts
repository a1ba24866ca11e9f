import type { PreemptionNotice } from '@helios/provider';

/**
 * Where a node learns that its cloud will take it back: the AWS instance metadata service
 * (`spot/instance-action`, IMDSv2), the GCE metadata server (`instance/preempted`), or a test
 * double. The adapters' ImdsClient and GceMetadataClient fit it as they are; apps/node-agent picks
 * one, so this library stays free of cloud adapters.
 */
export interface PreemptionSource {
  /** The notice for `node` if the cloud has announced one, else undefined. */
  preemptionNotice(node: string): Promise<PreemptionNotice | undefined>;
}
