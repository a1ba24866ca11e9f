import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root, where tsconfig.json (and its @helios/* paths) lives. */
export const REPO_ROOT = resolve(__dirname, '../../..');

/** How to start one Helios component (a TypeScript entry point) as a real child process. */
export interface ComponentOptions {
  /** Name used in messages: `control-plane`, `cell-agent/sim-us-east`. */
  name: string;
  /** Entry file relative to the repo root, e.g. `apps/control-plane/src/main.ts`. */
  entry: string;
  args?: string[];
  /** Flags for Node itself, before the entry (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Append stdout and stderr to this file; inherit the parent's when omitted. */
  logFile?: string;
}

/** A running component. */
export interface ComponentProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Sends `signal` (default SIGTERM) and waits; SIGKILL after `graceMs` (default 10 s). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | string>;
}

/**
 * Starts a TypeScript entry point with Node's own binary and tsx's CommonJS hook, so the child
 * is one process (signals reach it directly) and needs no build step.
 */
export function launchComponent(options: ComponentOptions): ComponentProcess {
  let stdio: 'inherit' | ['ignore', number | 'pipe', number | 'pipe'] = 'inherit';
  let log: ReturnType<typeof createWriteStream> | undefined;
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    log = createWriteStream(options.logFile, { flags: 'a' });
    stdio = ['ignore', 'pipe', 'pipe'];
  }
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--require', require.resolve('tsx/cjs'), join(REPO_ROOT, options.entry), ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.json'), ...options.env },
    stdio,
  });
  if (log) {
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
  }
  const exited = new Promise<number | string>((resolveExit) => {
    child.once('exit', (code, signal) => {
      log?.end();
      resolveExit(code ?? signal ?? 'unknown');
    });
  });
  return {
    name: options.name,
    child,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
  };
}
