import type { ICompare } from 'etcd3';

/**
 * Proof of leadership a write carries: the election key and the create revision of the leader's
 * key on it. A fenced write succeeds only while that same key still exists, so a leader that
 * was deposed (lease expired, key re-created by another candidate) cannot write.
 */
export interface Fence {
  key: string;
  createRevision: number;
}

/** The txn comparison that holds only while the fence's election key is the one we created. */
export function fenceCompare(fence: Fence): ICompare {
  return { key: Buffer.from(fence.key), target: 'Create', result: 'Equal', create_revision: fence.createRevision };
}
