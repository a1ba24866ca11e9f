import type { ChildProcess } from 'node:child_process';

/**
 * A forked child process of a benchmark (a simulated fleet, a group of cells) and a typed
 * request/answer over its IPC channel: commands go down, reports of type `Report['type']` come
 * back. A report of type 'failed' carrying `message` rejects whoever waits.
 */
export class IpcChild<Command, Report extends { type: string }> {
  private readonly waiters: ((report: Report) => boolean)[] = [];

  constructor(
    readonly child: ChildProcess,
    /** Names the child in errors: "the simulated fleet". */
    private readonly what: string,
  ) {
    child.on('message', (report: Report) => {
      const index = this.waiters.findIndex((w) => w(report));
      if (index >= 0) this.waiters.splice(index, 1);
    });
  }

  /** True once the child has exited. */
  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Sends a command to the child; a child already gone is left alone. */
  send(command: Command): void {
    if (!this.exited && this.child.connected) this.child.send(command as object);
  }

  /** Resolves with the next report of `type`; rejects on a 'failed' report, a timeout or the child's exit. */
  next<T extends Report['type']>(type: T, timeoutMs: number): Promise<Extract<Report, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.what} did not answer '${type}' within ${timeoutMs / 1000} s`)), timeoutMs);
      const exit = () => reject(new Error(`${this.what} exited (code ${this.child.exitCode}) while waiting for '${type}'`));
      this.child.once('exit', exit);
      this.waiters.push((report) => {
        if (report.type !== type && report.type !== 'failed') return false;
        clearTimeout(timer);
        this.child.off('exit', exit);
        if (report.type === 'failed') reject(new Error(`${this.what} failed: ${(report as { message?: string }).message ?? 'no reason given'}`));
        else resolve(report as Extract<Report, { type: T }>);
        return true;
      });
    });
  }

  /** Asks the child to stop with `command`, then SIGKILLs it if it has not exited after `graceMs`. */
  async stop(command: Command, graceMs = 10_000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.send(command);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
