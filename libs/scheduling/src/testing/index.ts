/** Test builders and a seeded random source for the pure scheduling and capacity libraries' specs. */
export { cell, deployment, node, pendingReplicas, pool, replica, type DeploymentOptions, type NodeOptions, type PoolOptions, type ReplicaOptions } from './fixtures';
export { SeededRandom } from './random';
