export { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
export { ManualClock, systemClock, type Clock, type TimerHandle } from './clock';
export { isTerminal, TerminalError, type Controller, type ReconcileResult } from './controller';
export { ControllerMetrics, type ReconcileOutcome } from './controller-metrics';
export { registerOnce } from './register-once';
export { ControllerRegistry, type ControllerRegistryOptions, type Leadership } from './controller-registry';
export { ControllerRunner, type ControllerRunnerOptions } from './controller-runner';
export type { EventSource } from './event-source';
export { WorkQueue, type WorkQueueOptions } from './work-queue';
