import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@helios/launcher';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupRecords, procStatField, reapOrphanGroups, startTicksOf } from './group-records';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startTicksOf', () => {
  it('reads field 22 of /proc/<pid>/stat, counting from the last parenthesis of the command', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    expect(startTicksOf(`4242 (node) ${fields.join(' ')}`)).toBe('22');
    expect(startTicksOf(`4242 (a (weird) name) ${fields.join(' ')}`)).toBe('22');
    expect(startTicksOf('4242 (short) S 1')).toBeUndefined();
  });

  it('reads any field from 3 on, the parent pid (field 4) of this process included', () => {
    expect(procStatField('4242 (a (b) c) S 17 4242', 3)).toBe('S');
    expect(procStatField('4242 (a (b) c) S 17 4242', 4)).toBe('17');
    expect(Number(procStatField(readFileSync('/proc/self/stat', 'utf8'), 4))).toBe(process.ppid);
  });

  it('reads this process\'s own start time', () => {
    expect(startTicksOf(readFileSync('/proc/self/stat', 'utf8'))).toMatch(/^\d+$/);
  });
});

describe('GroupRecords and reapOrphanGroups', () => {
  const started: number[] = [];
  afterEach(() => {
    for (const pid of started.splice(0)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });

  /** A replica-like process group: a leader and a child of its own, both outliving their parent. */
  function orphanLike(): number {
    const script = "require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); setInterval(() => {}, 1000)";
    const child = spawn(process.execPath, ['-e', script], { detached: true, stdio: 'ignore' });
    child.unref();
    started.push(child.pid!);
    return child.pid!;
  }

  it('kills every recorded group still running, and forgets every record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helios-groups-'));
    const records = new GroupRecords(dir);
    const a = orphanLike();
    const b = orphanLike();
    records.add(a, 'web/a');
    records.add(b, 'web/b');
    expect(readdirSync(dir).sort()).toEqual([`${a}.json`, `${b}.json`].sort());

    const killed = reapOrphanGroups(dir);
    expect(killed.map((k) => k.label).sort()).toEqual(['web/a', 'web/b']);
    await waitFor('both groups gone', () => !alive(a) && !alive(b), 5_000, 25);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('forgets a group that exited, without recording it again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helios-groups-'));
    const records = new GroupRecords(dir);
    const pid = orphanLike();
    records.add(pid, 'web/a');
    records.remove(pid);
    expect(readdirSync(dir)).toEqual([]);
    expect(reapOrphanGroups(dir)).toEqual([]);
    expect(alive(pid)).toBe(true);
  });

  it('leaves alone a pid that now belongs to another process (start time differs) and drops unreadable records', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helios-groups-'));
    const pid = orphanLike();
    writeFileSync(join(dir, `${pid}.json`), JSON.stringify({ pid, startTicks: '1', label: 'web/old' }));
    writeFileSync(join(dir, 'junk.json'), '{not json');
    expect(reapOrphanGroups(dir)).toEqual([]);
    expect(alive(pid)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('has nothing to reap in a directory that does not exist', () => {
    expect(reapOrphanGroups(join(tmpdir(), `helios-none-${process.pid}-${Date.now()}`))).toEqual([]);
  });
});
