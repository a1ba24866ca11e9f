import { readFileSync } from 'node:fs';

/** Resident memory of one process, in MiB (1 decimal): `rss` now (VmRSS), `peak` its high-water mark (VmHWM). */
export interface ProcessMemory {
  rss: number;
  peak: number;
}

/**
 * Reads VmRSS and VmHWM from the text of `/proc/<pid>/status` (lines such as `VmRSS:    81234 kB`).
 * Only the process itself is counted: a parent's status holds none of its children's memory.
 * Undefined when either line is missing (a zombie has none).
 *
 * Example: "VmHWM:\t  104448 kB\nVmRSS:\t   92160 kB" -> { rss: 90, peak: 102 }.
 */
export function parseProcStatus(status: string): ProcessMemory | undefined {
  const kib = (field: string) => /^(\d+) kB$/.exec(new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim() ?? '')?.[1];
  const rss = kib('VmRSS');
  const peak = kib('VmHWM');
  if (rss === undefined || peak === undefined) return undefined;
  const mib = (k: string) => Math.round((Number(k) / 1024) * 10) / 10;
  return { rss: mib(rss), peak: mib(peak) };
}

/** The memory of a live process from /proc; undefined once it is gone (or off Linux). */
export function processMemory(pid: number | undefined): ProcessMemory | undefined {
  if (pid === undefined) return undefined;
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}
