export { connectOperator, type OperatorApi, type OperatorClientOptions, type WatchHandle } from './operator-client';
