import { readFileSync } from 'node:fs';
import { startTicksOf } from '@helios/replica-runtime';

// Linux reports start times in clock ticks; 100 per second on every mainstream kernel config.
const TICKS_PER_SECOND = 100;

/**
 * When a process started, in ms since the epoch, from its `/proc/<pid>/stat` (field 22: clock
 * ticks since boot) and `/proc/uptime` read at `nowMs`. /proc/stat's btime has whole seconds
 * only; uptime has hundredths, so the result is good to about 10 ms.
 *
 * Example: started at tick 100000 (1000 s after boot), uptime "1002.50 ...", now 1_700_000_000_000
 * -> 1_700_000_000_000 - 2_500 = 1_699_999_997_500.
 */
export function startedAtMs(stat: string, uptime: string, nowMs: number): number | undefined {
  const ticks = Number(startTicksOf(stat));
  const up = Number(uptime.trim().split(/\s+/)[0]);
  if (!Number.isFinite(ticks) || !Number.isFinite(up) || uptime.trim() === '') return undefined;
  return Math.round(nowMs - (up * 1000 - (ticks * 1000) / TICKS_PER_SECOND));
}

/** When a live process started (ms since the epoch); undefined once it is gone (or off Linux). */
export function processStartedAt(pid: number): number | undefined {
  try {
    return startedAtMs(readFileSync(`/proc/${pid}/stat`, 'utf8'), readFileSync('/proc/uptime', 'utf8'), Date.now());
  } catch {
    return undefined;
  }
}
