import { readFileSync } from 'node:fs';

/**
 * Resident memory of a process from /proc/<pid>/status, in MiB: `rss` now (VmRSS) and `peak`
 * (VmHWM, the high-water mark since it started). Undefined once the process is gone or off Linux.
 */
export function processMemoryMiB(pid: number | undefined): { rss: number; peak: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    const rss = kib('VmRSS');
    const peak = kib('VmHWM');
    if (Number.isNaN(rss) || Number.isNaN(peak)) return undefined;
    return { rss: Math.round(rss / 1024), peak: Math.round(peak / 1024) };
  } catch {
    return undefined;
  }
}
