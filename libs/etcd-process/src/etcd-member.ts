import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';

/** How to run one etcd member process: its binary, flags, and where its log goes. */
export interface MemberCommand {
  binary: string;
  args: string[];
  /** http://127.0.0.1:PORT, polled on /health. */
  endpoint: string;
  logFile?: string;
}

/**
 * One etcd member process that can be stopped and started again with the same flags (and so the
 * same ports and data dir), as an operator restart would.
 */
export class MemberProcess {
  private child: ChildProcess | undefined;

  constructor(private readonly command: MemberCommand) {}

  /** The pid of the running process, undefined while stopped. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  /** True while the process runs. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the process without waiting for it to serve. */
  spawn(): void {
    if (this.running) return;
    const out = this.command.logFile ? openSync(this.command.logFile, 'a') : 'ignore';
    this.child = spawn(this.command.binary, this.command.args, { stdio: ['ignore', out, out] });
  }

  /**
   * Resolves once /health says true. A member of a cluster is healthy only once the cluster has
   * a leader, so when members start together call spawn() on all of them first.
   */
  async waitHealthy(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const child = this.child;
      if (child && child.exitCode !== null) throw new Error(`etcd at ${this.command.endpoint} exited with code ${child.exitCode} while starting`);
      try {
        const res = await fetch(`${this.command.endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
        if (res.ok && ((await res.json()) as { health?: string }).health === 'true') return;
      } catch {
        // not listening (or no leader) yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`etcd at ${this.command.endpoint} was not healthy within ${timeoutMs} ms`);
  }

  /** Sends `signal` (default SIGTERM; SIGKILL after 5 s) and resolves once the process has exited. */
  async halt(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Where one member listens and which cluster it joins. */
export interface MemberAddress {
  name: string;
  dataDir: string;
  /** http://127.0.0.1:PORT clients use. */
  endpoint: string;
  /** http://127.0.0.1:PORT members use. */
  peer: string;
  /** `n1=http://...,n2=http://...`: every member's name and peer URL. */
  initialCluster: string;
}

/** The etcd flags that place a member on loopback: its name, data dir, URLs and cluster. */
export function memberArgs(m: MemberAddress): string[] {
  return [
    '--name', m.name,
    '--data-dir', m.dataDir,
    '--listen-client-urls', m.endpoint,
    '--advertise-client-urls', m.endpoint,
    '--listen-peer-urls', m.peer,
    '--initial-advertise-peer-urls', m.peer,
    '--initial-cluster', m.initialCluster,
  ];
}
