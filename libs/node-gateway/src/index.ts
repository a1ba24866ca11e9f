/**
 * The node API's server side (docs/architecture.md, the node API): bootstrap tokens, node
 * credentials, the node authorizer and the NodeService every control-plane replica serves.
 *
 * @packageDocumentation
 */
export { formatBootstrapToken, hashSecret, judgeToken, parseBootstrapToken, TOKEN_ID_LENGTH, TOKEN_SECRET_LENGTH, type TokenParts, type TokenVerdict } from './bootstrap-token';
export { BootstrapTokenApi } from './bootstrap-token-api';
export { BootstrapTokens } from './bootstrap-tokens';
export { NodeApiError, toNodeStatus } from './node-api-error';
export { bearerCredential, CREDENTIAL_METADATA_KEY, signCredential, verifyCredential, type NodeIdentity } from './node-credential';
export { leaseTtlFor, POOL_LABEL, type LeaseTtlBounds } from './node-facts';
export { NodeGateway, type AssignmentQueue, type NodeGatewayDeps, type NodeGatewayOptions } from './node-gateway';
export { nodeService, type NodeServiceHandle, type NodeServiceOptions } from './node-service';
export { resolveTokenRequest, TOKEN_LIMITS, type TokenSpec } from './token-request';
