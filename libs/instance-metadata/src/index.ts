// What a host learns from its own cloud's metadata service, with nothing but fetch: the node agent
// loads this on every host, so it must stay free of the cloud SDKs (@aws-sdk/*, @google-cloud/*).
export { GceMetadataClient, type GceMetadataClientOptions } from './gce-metadata-client';
export { parsePreempted } from './gce-preempted';
export type { PreemptionNotice } from './preemption-notice';
export { ImdsClient, type ImdsClientOptions } from './imds-client';
export { parseSpotInstanceAction, type SpotInstanceAction } from './spot-instance-action';
