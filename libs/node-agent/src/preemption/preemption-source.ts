import type { PreemptionNotice } from '@helios/instance-metadata';

/**
 * Where a node learns that its cloud will take it back: the AWS instance metadata service
 * (`spot/instance-action`, IMDSv2), the GCE metadata server (`instance/preempted`), or a test
 * double. ImdsClient and GceMetadataClient (@helios/instance-metadata) fit it as they are;
 * apps/node-agent picks one, so this library stays free of cloud clients.
 */
export interface PreemptionSource {
  /** The notice for `node` if the cloud has announced one, else undefined. */
  preemptionNotice(node: string): Promise<PreemptionNotice | undefined>;
}
