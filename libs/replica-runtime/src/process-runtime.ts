import { createLogger, type Logger } from '@helios/config';
import { GroupRecords } from './group-records';
import { sharedPortAllocator, type PortAllocator } from './port-allocator';
import { ProcessRun, type ProcessRunContext } from './process-run';
import { inheritedEnvironment } from './replica-env';
import type { ReplicaLaunch, ReplicaRun, ReplicaRuntime } from './replica-runtime';
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-backoff';

/** Options of a ProcessRuntime. */
export interface ProcessRuntimeOptions {
  /** Working directory of replica processes; default this process's. */
  cwd?: string;
  /** Environment every replica starts from, before its template's env; default PATH, HOME, LANG, TZ, TMPDIR of this process. */
  baseEnv?: Record<string, string>;
  /** Append each replica's stdout and stderr to `<logDir>/<deployment>.<replica>.log`; discarded when unset. */
  logDir?: string;
  /**
   * Record every replica process group started in this directory, so that the next runtime on
   * the host can kill what this one leaves behind if it is SIGKILLed (see reapOrphanGroups).
   */
  stateDir?: string;
  /** Where allocated ports come from; default the allocator shared by the whole process. */
  ports?: PortAllocator;
  /**
   * Allocate a port for every replica, even when its template names one. For hosts shared by
   * many simulated nodes, where two replicas of one deployment would both ask for port 8000.
   */
  allocateAllPorts?: boolean;
  restartPolicy?: RestartPolicy;
  /** Address the readiness probe connects to; default 127.0.0.1 (the replica runs on this host). */
  probeHost?: string;
  logger?: Logger;
}

/**
 * The real runtime of the local fleet and the tests: runs a replica's template command as a
 * child process with its GPUs (CUDA_VISIBLE_DEVICES), port (PORT) and environment, probes its
 * readiness, restarts it with exponential backoff when it exits, and stops it in order (drain,
 * SIGTERM, SIGKILL).
 */
export class ProcessRuntime implements ReplicaRuntime {
  readonly kind = 'process';
  private readonly runs = new Set<ProcessRun>();
  private readonly ctx: ProcessRunContext;

  constructor(options: ProcessRuntimeOptions = {}) {
    this.ctx = {
      cwd: options.cwd ?? process.cwd(),
      baseEnv: options.baseEnv ?? inheritedEnvironment(),
      logDir: options.logDir,
      records: options.stateDir ? new GroupRecords(options.stateDir) : undefined,
      ports: options.ports ?? sharedPortAllocator,
      allocateAllPorts: options.allocateAllPorts ?? false,
      restartPolicy: options.restartPolicy ?? DEFAULT_RESTART_POLICY,
      probeHost: options.probeHost ?? '127.0.0.1',
      log: options.logger ?? createLogger('replica-runtime'),
    };
  }

  /** Runs that have not stopped yet. */
  get size(): number {
    return this.runs.size;
  }

  start(launch: ReplicaLaunch): ReplicaRun {
    const run = new ProcessRun(this.ctx, launch);
    this.runs.add(run);
    const off = run.onChange((state) => {
      if (state.phase !== 'stopped') return;
      off();
      this.runs.delete(run);
    });
    // A template without a command is stopped before any listener could see it.
    if (run.state.phase === 'stopped') {
      off();
      this.runs.delete(run);
    }
    return run;
  }

  async close(graceMs = 5_000): Promise<void> {
    await Promise.all([...this.runs].map((run) => run.stop({ drainMs: 0, graceMs })));
  }
}
