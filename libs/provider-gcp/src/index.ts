export { createComputeClients, type ComputeClientOptions, type ComputeClients, type GcpCredentials } from './compute-clients';
export { instanceId, parseInstanceId } from './gce-instance';
export { classifyGceError, gceErrorFacts, operationErrorFacts, toProviderError, type GceErrorFacts } from './gcp-error';
export { HELIOS_LABEL } from './gcp-labels';
export { GcpProvider, type GcpProviderOptions } from './gcp-provider';
export { instanceBody, type GcpLaunchSettings, type NodeInsert } from './instance-body';
export { requestIdFor, uuidV5 } from './request-id';
