export * from './gen/helios/v1/resources';
export { protoMetadata as resourcesProtoMetadata } from './gen/helios/v1/resources';
export {
  ApplyRequest,
  ApplyResponse,
  DeleteRequest,
  DeleteResponse,
  Endpoint,
  EventType,
  GetRequest,
  Kind,
  ListRequest,
  ListResponse,
  OperatorServiceClient,
  OperatorServiceService,
  Resource,
  RolloutAction,
  RolloutRequest,
  RolloutResponse,
  ScaleRequest,
  ScaleResponse,
  WatchEndpointsRequest,
  WatchEndpointsResponse,
  WatchEvent,
  WatchRequest,
  protoMetadata as operatorProtoMetadata,
  type OperatorServiceServer,
} from './gen/helios/v1/operator';
export {
  AssignmentEvent,
  AssignmentEventType,
  JoinRequest,
  JoinResponse,
  KeepAliveRequest,
  KeepAliveResponse,
  NodeFacts,
  NodeServiceClient,
  NodeServiceService,
  Registration,
  RegisterRequest,
  RegisterResponse,
  ReleaseReplicaRequest,
  ReleaseReplicaResponse,
  RenewCredentialRequest,
  RenewCredentialResponse,
  ReplicaStatusReport,
  ReportStatusRequest,
  ReportStatusResponse,
  WatchAssignmentsRequest,
  protoMetadata as nodeProtoMetadata,
  type NodeServiceServer,
} from './gen/helios/v1/node';
export { canonicalJson } from './canonical-json';
export { tierOfWord, tierWord } from './tier-words';
export * from './kinds';
export * from './manifest';
export { AVAILABLE, COMPLETE, PROGRESSING, REASONS, ROLLED_BACK, findCondition, isConditionTrue, setCondition } from './deployment-conditions';
