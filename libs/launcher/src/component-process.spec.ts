import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, launchComponent } from './component-process';
import { waitFor } from './wait-for';

describe('launchComponent', () => {
  it('runs a TypeScript entry with @helios paths, logs to a file and stops it with SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helios-launch-'));
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        "import { KINDS } from '@helios/api';",
        "console.log('kinds', Object.keys(KINDS).length, process.argv.slice(2).join(' '));",
        "process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });",
        'setInterval(() => undefined, 1000);',
      ].join('\n'),
    );
    const logFile = join(dir, 'out.log');
    const proc = launchComponent({ name: 'entry', entry: relative(REPO_ROOT, entry), args: ['--x', '1'], logFile });
    await waitFor('the entry to log', () => readFileSync(logFile, 'utf8').includes('kinds 5 --x 1'), 20_000);
    expect(await proc.stop()).toBe(0);
    expect(readFileSync(logFile, 'utf8')).toContain('bye');
  });

  it('escalates to SIGKILL when the process ignores SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helios-launch-'));
    const entry = join(dir, 'stubborn.ts');
    const logFile = join(dir, 'out.log');
    writeFileSync(entry, "process.on('SIGTERM', () => undefined); console.log('up'); setInterval(() => undefined, 1000);\n");
    const proc = launchComponent({ name: 'stubborn', entry: relative(REPO_ROOT, entry), logFile });
    await waitFor('the entry to start', () => readFileSync(logFile, 'utf8').includes('up'), 20_000);
    expect(await proc.stop('SIGTERM', 300)).toBe('SIGKILL');
  });
});
