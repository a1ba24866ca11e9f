import { REPLICA_REASONS } from '@helios/replica-lifecycle';
import type { ReplicaLaunch, ReplicaRun, ReplicaRuntime, RunState, StopOptions, StopResult } from '@helios/replica-runtime';

/** Options of the SimulatedRuntime. */
export interface SimulatedRuntimeOptions {
  /** Time from start to Ready; default 0 (the next tick). */
  readyAfterMs?: number;
  /** First port handed out; each run gets the next. Default 40000. */
  firstPort?: number;
}

/**
 * A ReplicaRuntime for simulated nodes: a replica "runs" nowhere, turns Ready after `readyAfterMs`
 * and stops at once. It lets the node agents of a simulated fleet play the whole replica
 * lifecycle (Starting, Ready, retired, stopped, deleted) without a process per replica, so
 * thousands of simulated replicas cost nothing but their etcd records. Nothing listens on the
 * ports it reports: routing to a simulated replica fails, by design.
 */
export class SimulatedRuntime implements ReplicaRuntime {
  readonly kind = 'simulated';
  private nextPort: number;
  private readonly runs = new Set<SimulatedRun>();

  constructor(private readonly options: SimulatedRuntimeOptions = {}) {
    this.nextPort = options.firstPort ?? 40_000;
  }

  start(launch: ReplicaLaunch): ReplicaRun {
    const run = new SimulatedRun(this.nextPort++, launch.restarts ?? 0, this.options.readyAfterMs ?? 0, (r) => this.runs.delete(r));
    this.runs.add(run);
    return run;
  }

  async close(): Promise<void> {
    await Promise.all([...this.runs].map((run) => run.stop({ drainMs: 0, graceMs: 0 })));
  }
}

class SimulatedRun implements ReplicaRun {
  private current: RunState;
  private readonly listeners = new Set<(state: RunState) => void>();
  private readonly timer: NodeJS.Timeout;
  private stopped: Promise<StopResult> | undefined;

  constructor(
    port: number,
    restarts: number,
    readyAfterMs: number,
    private readonly onStopped: (run: SimulatedRun) => void,
  ) {
    this.current = { phase: 'starting', port, restarts, reason: REPLICA_REASONS.started, message: 'simulated replica: runs nowhere' };
    this.timer = setTimeout(() => this.set({ phase: 'ready' }), readyAfterMs);
    this.timer.unref();
  }

  get state(): RunState {
    return { ...this.current };
  }

  onChange(listener: (state: RunState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(_options: StopOptions): Promise<StopResult> {
    this.stopped ??= Promise.resolve().then(() => {
      clearTimeout(this.timer);
      this.set({ phase: 'stopped', reason: REPLICA_REASONS.stopped });
      this.onStopped(this);
      return { signal: 'none', exitCode: 0, exitSignal: null } satisfies StopResult;
    });
    return this.stopped;
  }

  private set(change: Partial<RunState>): void {
    if (this.current.phase === 'stopped') return;
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener(this.state);
  }
}
