export { startEtcdCluster, type EtcdCluster, type EtcdClusterOptions, type EtcdMemberInfo } from './etcd-cluster';
export { findEtcdBinary, freePort, startEtcd, type EtcdProcess, type EtcdProcessOptions } from './etcd-process';
