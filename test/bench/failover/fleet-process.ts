import type { ChildProcess } from 'node:child_process';
import type { FleetCommand, FleetReport } from './sim-fleet-protocol';

/** The simulated fleet child process and a typed request/answer over its IPC channel. */
export class FleetProcess {
  private readonly waiters: ((report: FleetReport) => boolean)[] = [];

  constructor(readonly child: ChildProcess) {
    child.on('message', (report: FleetReport) => {
      const index = this.waiters.findIndex((w) => w(report));
      if (index >= 0) this.waiters.splice(index, 1);
    });
  }

  /** Sends a command to the fleet. */
  send(command: FleetCommand): void {
    this.child.send(command);
  }

  /** Resolves with the next report of `type`; rejects on a 'failed' report, a timeout or the child's exit. */
  next<T extends FleetReport['type']>(type: T | 'failed', timeoutMs: number): Promise<Extract<FleetReport, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the simulated fleet did not answer '${type}' within ${timeoutMs / 1000} s`)), timeoutMs);
      const exit = () => reject(new Error(`the simulated fleet exited (code ${this.child.exitCode}) while waiting for '${type}'`));
      this.child.once('exit', exit);
      this.waiters.push((report) => {
        if (report.type !== type && report.type !== 'failed') return false;
        clearTimeout(timer);
        this.child.off('exit', exit);
        if (report.type === 'failed') reject(new Error(`the simulated fleet failed: ${report.message}`));
        else resolve(report as Extract<FleetReport, { type: T }>);
        return true;
      });
    });
  }
}
