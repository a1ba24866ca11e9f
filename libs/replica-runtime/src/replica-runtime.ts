import type { ReplicaTemplate } from '@helios/api';

/** Everything a runtime needs to run one replica: who it is and what its template asks for. */
export interface ReplicaLaunch {
  deployment: string;
  /** The replica's name (unique within its deployment). */
  replica: string;
  /** The replica's uid: a replica deleted and created again under the same name is another run. */
  uid: string;
  revision: number;
  template: ReplicaTemplate;
  /** GPUs of the node assigned to this replica by the cell agent's scheduler. */
  gpuIndices: number[];
  /** Restarts already counted (by an earlier node agent run), so the count keeps growing. */
  restarts?: number;
}

/**
 * Where a run is, as a runtime sees it:
 * - `starting`: the process runs but has not passed its readiness probe (or no longer does);
 * - `ready`: the process runs and passes its readiness probe;
 * - `backoff`: the process exited on its own and waits out its restart delay;
 * - `stopping`: stop() was called: draining, then SIGTERM, then SIGKILL;
 * - `stopped`: nothing runs and nothing will.
 */
export type RunPhase = 'starting' | 'ready' | 'backoff' | 'stopping' | 'stopped';

/** A snapshot of one run. */
export interface RunState {
  phase: RunPhase;
  /** Port the replica serves on; 0 until assigned. */
  port: number;
  /** Times the process was started again after exiting on its own. */
  restarts: number;
  /** The process id while a process runs. */
  pid?: number;
  /** Machine-readable cause of the phase: `Started`, `ReadinessProbeFailed`, `Crashed`, `StartFailed`. */
  reason: string;
  /** What a person needs to know: the probe's answer, the exit code and the tail of stderr. */
  message: string;
}

/** How an ordered stop proceeds; see {@link ReplicaRun.stop}. */
export interface StopOptions {
  /** Time the process keeps serving (it is already out of the endpoint set) before SIGTERM. */
  drainMs: number;
  /** Time between SIGTERM and SIGKILL. */
  graceMs: number;
}

/** How a run ended. */
export interface StopResult {
  /** The last signal the runtime had to send: none (nothing was running), SIGTERM or SIGKILL. */
  signal: 'none' | 'SIGTERM' | 'SIGKILL';
  /** Exit code of the process, when it exited by itself (e.g. 0 after a clean SIGTERM). */
  exitCode: number | null;
  /** Signal that ended the process, when one did. */
  exitSignal: string | null;
}

/** One replica running under a runtime: its state, its changes and its ordered stop. */
export interface ReplicaRun {
  /** The current state; a copy, safe to keep. */
  readonly state: RunState;
  /** Calls `listener` after every change of state; returns the function that unsubscribes. */
  onChange(listener: (state: RunState) => void): () => void;
  /**
   * Stops the run for good, in order: no more restarts or probes, wait `drainMs` while the
   * process still serves (a process that is not running is not drained), SIGTERM, SIGKILL after
   * `graceMs`. Resolves once nothing of the replica runs. A second call returns the same
   * promise but can only hurry the stop: the earlier deadlines apply.
   */
  stop(options: StopOptions): Promise<StopResult>;
}

/**
 * Starts replicas on this host. The process runtime runs the template's command as a child
 * process; a container runtime (the template's image) can implement the same interface.
 */
export interface ReplicaRuntime {
  /** `process`, `container`, ... for logs. */
  readonly kind: string;
  /**
   * Starts a run and returns at once; what happens next (port, process, readiness, crashes)
   * shows in its state. Never throws for a bad template: that is a run that fails to start.
   */
  start(launch: ReplicaLaunch): ReplicaRun;
  /** Stops every run at once (drain 0) within `graceMs`; for shutdown. */
  close(graceMs?: number): Promise<void>;
}
