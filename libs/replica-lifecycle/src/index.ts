/**
 * The life of a Replica, in one place for every component that decides on replicas or writes
 * them: the predicates that say which state a replica is in (one meaning each), the next state
 * of a retirement, of an operator's Delete and of a replica whose node is lost, the endpoint a
 * replica serves, and the names of every condition type and reason a Replica, Node, NodePool or
 * Cell carries. Pure: no I/O; the writes stay with their writers, each with its own fence.
 *
 * @packageDocumentation
 */
export { CELL_CONDITIONS, CELL_REASONS } from './cell-conditions';
export { NODE_CONDITIONS, NODE_REASONS } from './node-conditions';
export { awaitsEviction, nodeLostReplicaStatus } from './node-lost-replica';
export { preemptedNodeStatus } from './node-preemption';
export { POOL_CONDITIONS, POOL_REASONS } from './pool-conditions';
export { demandingReplicas, isDemanding } from './replica-demand';
export { replicaDeletion, type ReplicaDeletion } from './replica-deletion';
export { endpointChange, endpointOf } from './replica-endpoint';
export { awaitsCell, awaitsNode, inEndpointSet, isBound, isLive, isLost, isReady, isRetired, isRetiring } from './replica-predicates';
export { REPLICA_REASONS, type ReplicaReason } from './replica-reasons';
export { retired } from './retirement';
