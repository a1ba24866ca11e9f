export { procStatField, reapOrphanGroups, startTicksOf } from './group-records';
export { PortAllocator, sharedPortAllocator, type PortAllocatorOptions } from './port-allocator';
export { probeOnce, type ProbeOutcome } from './probe';
export { trackedGroups } from './process-group';
export { ProcessRuntime, type ProcessRuntimeOptions } from './process-runtime';
export {
  INITIAL_READINESS,
  PROBE_DEFAULTS,
  STARTUP_PERIOD_MS,
  nextReadiness,
  probeSettings,
  type ProbeSettings,
  type ReadinessState,
  type ReadinessStep,
} from './readiness';
export { INHERITED_ENV, inheritedEnvironment, replicaEnvironment } from './replica-env';
export type { ReplicaLaunch, ReplicaRun, ReplicaRuntime, RunPhase, RunState, StopOptions, StopResult } from './replica-runtime';
export { DEFAULT_RESTART_POLICY, nextCrashStreak, restartDelay, type RestartPolicy } from './restart-backoff';
