import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchComponent, type ComponentProcess } from './component-process';
import { waitFor } from './wait-for';

const NAME = 'runner-test-component';

describe('runComponent as a process', () => {
  const launched: ComponentProcess[] = [];
  afterAll(async () => {
    await Promise.all(launched.map((p) => p.stop('SIGKILL')));
  });

  /** Starts the test component; its stdout and stderr are kept apart, and both go to a log file too. */
  const launch = (args: string[]) => {
    const logFile = join(mkdtempSync(join(tmpdir(), 'helios-runner-')), 'component.log');
    const proc = launchComponent({ name: NAME, entry: 'libs/launcher/src/testing/runner-test-component.ts', args, env: { HELIOS_LOG_FORMAT: 'json' }, logFile });
    launched.push(proc);
    const out = { stdout: '', stderr: '' };
    proc.child.stdout?.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
    proc.child.stderr?.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
    const said = (line: string) => waitFor(`"${line}" from the component (log: ${logFile})`, () => out.stdout.split('\n').includes(line), 20_000, 20);
    // Lines the component itself wrote (not its JSON log), in order.
    const lines = () => out.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('{'));
    return { proc, out, said, lines };
  };

  it('--help prints the usage and every setting on stdout and exits 0', async () => {
    const { proc, out } = launch(['--fail-start', '--help']);
    expect(await proc.exited).toBe(0);
    expect(out.stdout).toContain("A component that only starts and stops, for the component runner's tests.\n\nUsage: runner-test-component [--flag value ...]\n");
    expect(out.stdout).toMatch(/-h, --help +print this help and exit/);
    expect(out.stdout).toMatch(/--start-ms +HELIOS_TEST_START_MS +the start takes this long, in ms \(default: 0\)/);
    expect(out.stdout.split('\n')).not.toContain('starting');
    expect(out.stderr).toBe('');
  });

  it.each([
    { args: ['--nope'], message: 'unknown flag --nope' },
    { args: ['--start-ms', 'soon'], message: '--start-ms (HELIOS_TEST_START_MS) must be a number, got "soon"' },
    { args: ['--cell', ''], message: '--cell is required' },
  ])('$args is a usage error: the message on stderr, exit 2, nothing started', async ({ args, message }) => {
    const { proc, out } = launch(args);
    expect(await proc.exited).toBe(2);
    expect(out.stderr).toBe(`${NAME}: ${message}\nRun with --help to list the settings.\n`);
    expect(out.stdout).toBe('');
  });

  it('a failed start is logged as fatal, stops what it had started and exits 1 though a handle is still open', async () => {
    const { proc, out, lines } = launch(['--fail-start', '--hold-open']);
    expect(await proc.exited).toBe(1);
    expect(out.stderr).toBe(`${NAME}: reaching etcd: connection refused\n`);
    const fatal = out.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; component: string });
    expect(fatal).toContainEqual(expect.objectContaining({ level: 60, msg: 'failed to start', component: NAME }));
    expect(lines()).toEqual(['starting', 'stopped b', 'stopped a']);
  });

  it('SIGTERM stops the component once, last-started first, and exits 0', async () => {
    const { proc, said, lines } = launch([]);
    await said('started');
    expect(await proc.stop('SIGTERM')).toBe(0);
    expect(lines()).toEqual(['starting', 'started', 'stopped b', 'stopped a']);
  });

  it('SIGINT in the middle of the start stops what was started and exits 0', async () => {
    const { proc, said, lines } = launch(['--start-ms', '600000']);
    await said('starting');
    expect(await proc.stop('SIGINT')).toBe(0);
    expect(lines()).toEqual(['starting', 'stopped b', 'stopped a']);
  });

  it.each([
    { second: 'SIGINT', code: 130 },
    { second: 'SIGTERM', code: 143 },
  ] as const)('a second signal ($second) while a stop step hangs exits at once with $code', async ({ second, code }) => {
    const { proc, said, lines } = launch(['--hang-stop']);
    await said('started');
    proc.child.kill('SIGTERM');
    await said('stopping c');
    expect(await proc.stop(second)).toBe(code);
    expect(lines()).toEqual(['starting', 'started', 'stopping c']);
  });

  it('a stop step that fails is logged, the others still run, and the exit is 1', async () => {
    const { proc, out, said, lines } = launch(['--fail-stop']);
    await said('started');
    expect(await proc.stop('SIGTERM')).toBe(1);
    expect(lines()).toEqual(['starting', 'started', 'stopped b', 'stopped a']);
    expect(out.stdout).toContain('teardown: d failed: d would not stop');
  });

  it('a component whose work fails asks to be stopped: its steps run and the exit is its code', async () => {
    const { proc, lines } = launch(['--fail-running']);
    expect(await proc.exited).toBe(1);
    expect(lines()).toEqual(['starting', 'started', 'stopped b', 'stopped a']);
  });
});
