import type { KindName, ResourceTypes } from '@helios/api';
import type { IndexFn } from './informer';

/** Index names every shared informer of a resource kind keeps. */
export const BY_CELL = 'byCell';
/** Replicas by `<cell>/<node>` they are bound to. */
export const BY_NODE = 'byNode';
/** Nodes by `<cell>/<pool>`. */
export const BY_POOL = 'byPool';
/** Replicas by deployment. */
export const BY_DEPLOYMENT = 'byDeployment';

/** `a/b` when both parts are set; undefined otherwise, so half-filled objects are filed nowhere. */
export function pairKey(a: string | undefined, b: string | undefined): string | undefined {
  return a && b ? `${a}/${b}` : undefined;
}

const nonEmpty = (value: string | undefined): string | undefined => value || undefined;

/**
 * The indexes of each kind's shared informer: the questions controllers ask of the cache again
 * and again ("this cell's nodes", "the replicas on this node") answered without a scan.
 */
export const STANDARD_INDEXES: { [K in KindName]: Record<string, IndexFn<ResourceTypes[K]>> } = {
  cell: {},
  deployment: {},
  nodePool: { [BY_CELL]: (pool) => nonEmpty(pool.spec?.cell) },
  node: {
    [BY_CELL]: (node) => nonEmpty(node.spec?.cell),
    [BY_POOL]: (node) => pairKey(node.spec?.cell, node.spec?.pool),
  },
  replica: {
    [BY_CELL]: (replica) => nonEmpty(replica.spec?.cell),
    [BY_NODE]: (replica) => pairKey(replica.spec?.cell, replica.spec?.node),
    [BY_DEPLOYMENT]: (replica) => nonEmpty(replica.spec?.deployment),
  },
};
