import type { Logger } from '@helios/config';
import { REPLICA_REASONS } from '@helios/replica-lifecycle';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { PortAllocator } from './port-allocator';
import { probeOnce } from './probe';
import type { GroupRecords } from './group-records';
import { signalGroup, trackGroup, untrackGroup } from './process-group';
import { INITIAL_READINESS, nextReadiness, probeSettings, type ProbeSettings, type ReadinessState } from './readiness';
import { replicaEnvironment } from './replica-env';
import type { ReplicaLaunch, ReplicaRun, RunState, StopOptions, StopResult } from './replica-runtime';
import { nextCrashStreak, restartDelay, type RestartPolicy } from './restart-backoff';

/** What a ProcessRun gets from its runtime. */
export interface ProcessRunContext {
  cwd: string;
  baseEnv: Readonly<Record<string, string>>;
  logDir: string | undefined;
  /** Where the groups started are recorded for the next agent on the host; none when undefined. */
  records: GroupRecords | undefined;
  ports: PortAllocator;
  allocateAllPorts: boolean;
  restartPolicy: RestartPolicy;
  probeHost: string;
  log: Logger;
}

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

// Enough of stderr to say why a process died ("Error: Cannot find module ..."), not a log.
const STDERR_TAIL_CHARS = 1_000;
// setTimeout fires at once for delays above 2^31 - 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One replica run as a child process: assigns its port, spawns it, probes it, restarts it with
 * backoff when it exits on its own, and stops it in order. Every callback of an old process
 * (probe answer, exit) carries the incarnation it belongs to, so nothing of a previous process
 * ever changes the state of the next one.
 */
export class ProcessRun implements ReplicaRun {
  private current: RunState;
  private readonly listeners = new Set<(state: RunState) => void>();
  private readonly settings: ProbeSettings;
  private readonly log: Logger;
  private child: ChildProcess | undefined;
  private childExit: Promise<ExitInfo> | undefined;
  private incarnation = 0;
  private streak = 0;
  private startedAt = 0;
  private readiness: ReadinessState = INITIAL_READINESS;
  private probeTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private port = 0;
  private stderrTail = '';
  private logStream: WriteStream | undefined;
  private stopRequested = false;
  private stopping: Promise<StopResult> | undefined;
  private drainUntil = Number.POSITIVE_INFINITY;
  private graceMs = Number.POSITIVE_INFINITY;
  private killAt = Number.POSITIVE_INFINITY;
  private wake: (() => void) | undefined;

  constructor(
    private readonly ctx: ProcessRunContext,
    private readonly launch: ReplicaLaunch,
  ) {
    this.settings = probeSettings(launch.template.readinessProbe);
    this.log = ctx.log.child({ deployment: launch.deployment, replica: launch.replica });
    this.current = { phase: 'starting', port: 0, restarts: launch.restarts ?? 0, reason: REPLICA_REASONS.starting, message: '' };
    void this.boot();
  }

  get state(): RunState {
    return { ...this.current };
  }

  onChange(listener: (state: RunState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(options: StopOptions): Promise<StopResult> {
    this.stopRequested = true;
    const now = Date.now();
    this.drainUntil = Math.min(this.drainUntil, now + Math.max(0, options.drainMs));
    this.graceMs = Math.min(this.graceMs, Math.max(0, options.graceMs));
    if (Number.isFinite(this.killAt)) this.killAt = Math.min(this.killAt, now + this.graceMs);
    this.wake?.();
    this.stopping ??= this.stopInOrder();
    return this.stopping;
  }

  /** Assigns the port and spawns the process; called for the first start and every restart. */
  private async boot(): Promise<void> {
    this.startedAt = Date.now();
    const command = this.launch.template.command;
    if (command.length === 0) {
      this.update({ phase: 'stopped', reason: REPLICA_REASONS.noCommand, message: 'the template has no command; the process runtime runs commands, not images' });
      return;
    }
    try {
      await this.assignPort();
    } catch (err) {
      this.crashed({ code: null, signal: null, error: err as Error }, 'NoPort');
      return;
    }
    if (this.stopRequested) {
      this.releasePort();
      return;
    }
    this.spawnProcess(command);
  }

  private async assignPort(): Promise<void> {
    const fixed = this.launch.template.port;
    if (fixed && !this.ctx.allocateAllPorts) {
      if (this.port === fixed) return;
      if (!this.ctx.ports.reserve(fixed)) throw new Error(`port ${fixed} is held by another replica on this host`);
      this.port = fixed;
      return;
    }
    // An allocated port is not kept across restarts: if the process died because another
    // process took the port between our check and its bind, the same port would fail again.
    this.releasePort();
    this.port = await this.ctx.ports.allocate();
  }

  private releasePort(): void {
    if (this.port) this.ctx.ports.release(this.port);
    this.port = 0;
  }

  private spawnProcess(command: string[]): void {
    const incarnation = ++this.incarnation;
    this.readiness = INITIAL_READINESS;
    this.stderrTail = '';
    const env = replicaEnvironment(this.launch, this.port, this.ctx.baseEnv);
    const logs = this.openLog();
    let child: ChildProcess;
    try {
      child = spawn(command[0]!, command.slice(1), { cwd: this.ctx.cwd, env, detached: true, stdio: ['ignore', logs ? 'pipe' : 'ignore', 'pipe'] });
    } catch (err) {
      this.crashed({ code: null, signal: null, error: err as Error }, 'StartFailed');
      return;
    }
    this.child = child;
    if (logs) child.stdout?.pipe(logs, { end: false });
    child.stderr?.on('data', (chunk: Buffer) => {
      logs?.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    this.childExit = new Promise<ExitInfo>((resolve) => {
      let exited = false;
      const finish = (info: ExitInfo) => {
        if (exited) return;
        exited = true;
        resolve(info);
        this.onExit(incarnation, child, info);
      };
      child.once('exit', (code, signal) => finish({ code, signal }));
      // 'error' without a pid is a failed spawn (ENOENT, EACCES), after which 'exit' may not come.
      child.once('error', (error) => {
        if (child.pid === undefined) finish({ code: null, signal: null, error });
        else this.log.warn({ err: error }, 'replica process error');
      });
    });
    if (child.pid === undefined) return;
    trackGroup(child.pid);
    this.ctx.records?.add(child.pid, `${this.launch.deployment}/${this.launch.replica}`);
    const restarted = this.current.restarts > 0;
    this.log.info({ pid: child.pid, port: this.port, restarts: this.current.restarts }, restarted ? 'replica restarted' : 'replica started');
    this.update({ phase: 'starting', port: this.port, pid: child.pid, reason: restarted ? REPLICA_REASONS.restarted : REPLICA_REASONS.started, message: '' });
    this.scheduleProbe(incarnation, this.settings.initialDelayMs);
  }

  private openLog(): WriteStream | undefined {
    if (!this.ctx.logDir) return undefined;
    if (!this.logStream) {
      mkdirSync(this.ctx.logDir, { recursive: true });
      this.logStream = createWriteStream(join(this.ctx.logDir, `${this.launch.deployment}.${this.launch.replica}.log`), { flags: 'a' });
      this.logStream.on('error', (err) => this.log.warn({ err }, 'cannot write the replica log'));
    }
    return this.logStream;
  }

  private onExit(incarnation: number, child: ChildProcess, info: ExitInfo): void {
    if (child.pid !== undefined) {
      // The leader is gone; anything it left in its group (workers, a shell's children) goes too.
      signalGroup(child.pid, 'SIGKILL');
      untrackGroup(child.pid);
      this.ctx.records?.remove(child.pid);
    }
    if (incarnation !== this.incarnation) return;
    clearTimeout(this.probeTimer);
    this.child = undefined;
    if (this.stopRequested) return;
    this.crashed(info, info.error ? REPLICA_REASONS.startFailed : REPLICA_REASONS.crashed);
  }

  /** Reports an exit (or a start that failed) and schedules the restart after its backoff. */
  private crashed(info: ExitInfo, reason: string): void {
    this.streak = nextCrashStreak(this.streak, Date.now() - this.startedAt, this.ctx.restartPolicy);
    const delay = restartDelay(this.streak, this.ctx.restartPolicy);
    const what = info.error ? `could not start: ${info.error.message}` : info.signal ? `killed by ${info.signal}` : `exited with code ${info.code}`;
    const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
    const message = `${what}${tail ? ` (stderr: ${tail})` : ''}; restarting in ${formatSeconds(delay)}`;
    this.log.warn({ reason, streak: this.streak, retryInMs: delay }, message);
    this.update({ phase: 'backoff', pid: undefined, reason, message });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopRequested) return;
      this.current = { ...this.current, restarts: this.current.restarts + 1 };
      void this.boot();
    }, delay);
    this.restartTimer.unref();
  }

  private scheduleProbe(incarnation: number, delayMs: number): void {
    this.probeTimer = setTimeout(() => void this.probe(incarnation), delayMs);
    this.probeTimer.unref();
  }

  private async probe(incarnation: number): Promise<void> {
    const outcome = await probeOnce(this.ctx.probeHost, this.port, this.settings.path, this.settings.timeoutMs);
    if (incarnation !== this.incarnation || this.stopRequested || !this.child) return;
    const step = nextReadiness(this.readiness, outcome.ok, this.settings);
    this.readiness = step.state;
    if (step.flipped === 'ready') this.log.info({ port: this.port }, 'replica ready');
    if (step.flipped === 'unready') this.log.warn({ detail: outcome.detail }, 'replica no longer ready');
    if (step.state.ready) this.update({ phase: 'ready', reason: REPLICA_REASONS.ready, message: '' });
    else if (step.failing) this.update({ phase: 'starting', reason: REPLICA_REASONS.readinessProbeFailed, message: outcome.detail });
    this.scheduleProbe(incarnation, step.nextDelayMs);
  }

  /** Drain, SIGTERM, SIGKILL after the grace period; the order the endpoint protocol relies on. */
  private async stopInOrder(): Promise<StopResult> {
    clearTimeout(this.restartTimer);
    clearTimeout(this.probeTimer);
    this.update({ phase: 'stopping', reason: REPLICA_REASONS.stopping, message: '' });
    let signal: StopResult['signal'] = 'none';
    let exit: ExitInfo | undefined;
    const child = this.child;
    if (child?.pid !== undefined) {
      const pid = child.pid;
      // The process keeps serving what routers still send while they learn it is gone.
      await this.waitUntil(() => this.drainUntil);
      if (this.child) {
        signalGroup(pid, 'SIGTERM');
        signal = 'SIGTERM';
        this.killAt = Date.now() + this.graceMs;
        await this.waitUntil(() => this.killAt);
        if (this.child) {
          signalGroup(pid, 'SIGKILL');
          signal = 'SIGKILL';
        }
      }
      exit = await this.childExit;
      this.log.info({ signal, exitCode: exit?.code, exitSignal: exit?.signal }, 'replica stopped');
    }
    this.releasePort();
    this.logStream?.end();
    this.update({ phase: 'stopped', pid: undefined, reason: REPLICA_REASONS.stopped, message: '' });
    return { signal, exitCode: exit?.code ?? null, exitSignal: exit?.signal ?? null };
  }

  /** Sleeps until the deadline (which stop() may move earlier) or until the process exits. */
  private async waitUntil(deadline: () => number): Promise<void> {
    while (this.child) {
      const remaining = deadline() - Date.now();
      if (remaining <= 0) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, Math.min(remaining, MAX_TIMER_MS));
        this.wake = done;
        void this.childExit?.then(done);
      });
    }
  }

  private update(patch: Partial<RunState>): void {
    const next = { ...this.current, ...patch };
    const changed = (Object.keys(next) as (keyof RunState)[]).some((k) => next[k] !== this.current[k]);
    this.current = next;
    if (!changed) return;
    const snapshot = this.state;
    for (const listener of this.listeners) {
      try {
        listener(snapshot);
      } catch (err) {
        this.log.error({ err }, 'run state listener failed');
      }
    }
  }
}

function formatSeconds(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(ms % 1_000 === 0 ? 0 : 1)} s`;
}
