import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What is recorded of one replica process group. */
interface GroupRecord {
  pid: number;
  /** The leader's start time in clock ticks since boot (/proc/<pid>/stat field 22): tells a reused pid apart. */
  startTicks: string;
  /** `<deployment>/<replica>`, for the log. */
  label: string;
}

/**
 * Field `n` (1-based, as in proc(5)) of the text of `/proc/<pid>/stat`, for n >= 3. The command
 * (field 2) is in parentheses and may itself hold spaces and parentheses, so fields are counted
 * from the last `)`.
 *
 * Example: procStatField("4242 (node x) S 1 4242 ...", 4) -> "1" (the parent pid).
 */
export function procStatField(stat: string, n: number): string | undefined {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3] || undefined;
}

/** The start time of a process in clock ticks since boot: field 22 of `/proc/<pid>/stat`. */
export function startTicksOf(stat: string): string | undefined {
  return procStatField(stat, 22);
}

function readStartTicks(pid: number): string | undefined {
  try {
    return startTicksOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A runtime's record of the replica process groups it started, one file each in `dir`. A node
 * agent that exits cleanly kills its groups itself; one that is SIGKILLed cannot, and its
 * replicas would run on, holding GPUs and ports, after the next agent on the host has started
 * them again. That next agent reads the records first ({@link reapOrphanGroups}). Linux only
 * (the start time comes from /proc); elsewhere nothing is recorded.
 */
export class GroupRecords {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  add(pid: number, label: string): void {
    const startTicks = readStartTicks(pid);
    if (!startTicks) return;
    const record: GroupRecord = { pid, startTicks, label };
    writeFileSync(join(this.dir, `${pid}.json`), JSON.stringify(record));
  }

  remove(pid: number): void {
    rmSync(join(this.dir, `${pid}.json`), { force: true });
  }
}

/**
 * Kills every replica process group recorded in `dir` whose leader still runs (same pid, same
 * start time: a reused pid is somebody else's and is left alone) and removes every record.
 * Returns what it killed. Call it before starting any replica.
 */
export function reapOrphanGroups(dir: string): { pid: number; label: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const killed: { pid: number; label: string }[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let record: GroupRecord | undefined;
    try {
      record = JSON.parse(readFileSync(path, 'utf8')) as GroupRecord;
    } catch {
      record = undefined;
    }
    if (record && Number.isInteger(record.pid) && record.pid > 1 && readStartTicks(record.pid) === record.startTicks) {
      try {
        process.kill(-record.pid, 'SIGKILL');
        killed.push({ pid: record.pid, label: record.label });
      } catch {
        // Gone meanwhile.
      }
    }
    rmSync(path, { force: true });
  }
  return killed;
}
