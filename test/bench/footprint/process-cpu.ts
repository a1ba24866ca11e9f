import { readFileSync } from 'node:fs';
import { procStatField } from '@helios/replica-runtime';

// Linux reports process times in clock ticks; 100 per second on every mainstream kernel config.
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used, from the text of `/proc/<pid>/stat` (utime and
 * stime, fields 14 and 15). Unlike wall time it hardly grows when other processes compete for
 * the cores, so it tells start-up work from waiting.
 *
 * Example: utime 61, stime 14 -> 0.75.
 */
export function cpuSecondsOf(stat: string): number | undefined {
  const user = Number(procStatField(stat, 14));
  const system = Number(procStatField(stat, 15));
  if (!Number.isFinite(user) || !Number.isFinite(system)) return undefined;
  return (user + system) / TICKS_PER_SECOND;
}

/** CPU seconds a live process has used so far; undefined once it is gone (or off Linux). */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return cpuSecondsOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}
