import { readdirSync, readFileSync } from 'node:fs';
import { procStatField } from '@helios/replica-runtime';

/**
 * The arguments of a process from the text of `/proc/<pid>/cmdline` (NUL-separated, NUL-ended).
 *
 * Example: "node\0main.ts\0--node\0n1\0" -> ["node", "main.ts", "--node", "n1"].
 */
export function argvOf(cmdline: string): string[] {
  const parts = cmdline.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

/**
 * The environment of a process from the text of `/proc/<pid>/environ` (NUL-separated `K=V`); a
 * value may itself hold `=`.
 *
 * Example: "PORT=8000\0A=b=c\0" -> { PORT: "8000", A: "b=c" }.
 */
export function environOf(environ: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of environ.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** Whether `argv` runs apps/node-agent for node `node` (`--node <name>`, as NodeHosts starts it). */
export function isNodeAgentOf(argv: readonly string[], node: string): boolean {
  if (!argv.some((a) => a.endsWith('apps/node-agent/src/main.ts'))) return false;
  const at = argv.indexOf('--node');
  return at >= 0 && argv[at + 1] === node;
}

/** A live process: its pid and arguments. */
export interface ProcessEntry {
  pid: number;
  argv: string[];
}

/** The live processes whose parent is `pid`, from /proc (Linux). */
export function childProcesses(pid: number): ProcessEntry[] {
  const children: ProcessEntry[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(procStatField(readFileSync(`/proc/${entry}/stat`, 'utf8'), 4)) !== pid) continue;
      children.push({ pid: Number(entry), argv: argvOf(readFileSync(`/proc/${entry}/cmdline`, 'utf8')) });
    } catch {
      // exited meanwhile
    }
  }
  return children;
}

/** The environment a live process was started with; undefined once it is gone. */
export function processEnvironment(pid: number): Record<string, string> | undefined {
  try {
    return environOf(readFileSync(`/proc/${pid}/environ`, 'utf8'));
  } catch {
    return undefined;
  }
}
