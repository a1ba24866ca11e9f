import type { Cell, Node, NodePool, Replica } from '@helios/api';

/** What the cell agent's reconcilers read: its informer caches, scoped to its cell. */
export interface CellCache {
  cell(): Cell | undefined;
  pool(name: string): NodePool | undefined;
  nodes(): Node[];
  /** Replicas placed in this cell, in any phase (retired ones included: they still hold GPUs). */
  replicas(): Replica[];
  /** Whether the node's heartbeat key exists. */
  isLive(node: string): boolean;
}
