export type { PreemptionSource } from './preemption-source';
export { PreemptionWatcher, type PreemptionWatcherDeps, type PreemptionWatcherOptions } from './preemption-watcher';
