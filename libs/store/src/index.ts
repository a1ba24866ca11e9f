export { connectEtcd } from './connect';
export {
  AlreadyExistsError,
  ConflictError,
  FencedError,
  NotFoundError,
  StoreError,
  ignoreNotFound,
  isAlreadyExists,
  isConflict,
  isFenced,
  isNotFound,
} from './errors';
export { fenceCompare, type Fence } from './fence';
export { Informer, type IndexFn, type InformerEvent, type InformerOptions } from './informer';
export { KeyInformer, type InformerErrorListener, type KeyEntry, type KeyEvent, type KeyInformerOptions } from './key-informer';
export { Keys } from './keys';
export { LeaderElection, type ElectionState, type LeaderElectionOptions } from './leader-election';
export { LeasePool, type Lease, type LeasePoolOptions } from './lease-pool';
export { EtcdLeaderClient, type EtcdLeaderClientOptions } from './etcd-leader-client';
export { LeaseRenewer, type LeaseRenewerOptions } from './lease-renewer';
export { decodeLoadReport, LoadReportWriter, type LoadReportWriterOptions } from './load-report-writer';
export { prefixRangeEnd, readPrefix, type PrefixSnapshot } from './prefix-range';
export { decodeResource, encodeResource } from './resource-codec';
export { ResourceStore, type DeleteOptions, type ListResult, type WriteOptions } from './resource-store';
export type { Etcd3 } from 'etcd3';
export { SharedInformers, type AnyInformer, type SharedInformersOptions } from './shared-informers';
export { BY_CELL, BY_DEPLOYMENT, BY_NODE, BY_POOL, pairKey, STANDARD_INDEXES } from './standard-indexes';
