import { readFileSync } from 'node:fs';

// Linux reports process times in clock ticks; 100 per second on every mainstream kernel config.
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; undefined if gone. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may contain spaces) start at "state"; utime and stime
    // are the 14th and 15th fields of the line, the 12th and 13th after it.
    const after = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(after[11]) + Number(after[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Samples the CPU use of named processes between calls: `sample()` returns each one's share of
 * one core since the previous call, in percent (200 = both cores of a 2-core machine).
 */
export class CpuSampler {
  private last = new Map<string, { cpu: number; at: number }>();

  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  sample(): Record<string, number> {
    const out: Record<string, number> = {};
    const now = Date.now();
    const next = new Map<string, { cpu: number; at: number }>();
    for (const [name, pid] of Object.entries(this.pids())) {
      const cpu = cpuSeconds(pid);
      if (cpu === undefined) continue;
      const prev = this.last.get(name);
      if (prev && now > prev.at) out[name] = Math.round(((cpu - prev.cpu) * 100_000) / (now - prev.at));
      next.set(name, { cpu, at: now });
    }
    this.last = next;
    return out;
  }
}
