export { parseAddressList } from './address-list';
export { AssignmentSet, assignmentKey, type Assignment } from './assignment-set';
export { CredentialFile, type NodeCredential } from './credential-file';
export { NodeChannels } from './node-channels';
export { NodeClient, NodeClientError, type NodeClientOptions } from './node-client';
export { RegistrationGate } from './registration-gate';
export { StatusCoalescer, reportKey, type StatusBatch } from './status-batch';
export { TokenBucket, type RateLimit } from './token-bucket';
