export { findEtcdBinary, freePort, startEtcd, type EtcdProcess, type EtcdProcessOptions } from './etcd-process';
