import { describe, expect, it } from 'vitest';
import { helpText, readCommandLine, usageErrorText } from './command-line';

const settings = {
  cell: { flag: 'cell', env: 'HELIOS_CELL', default: '', doc: 'the cell (required)' },
  ttl: { flag: 'lease-ttl', env: 'HELIOS_LEASE_TTL', default: 5, min: 1, doc: 'lease TTL seconds' },
};
const check = (config: { cell: string }) => {
  if (!config.cell) throw new Error('--cell is required');
};

describe('readCommandLine', () => {
  it.each([
    { argv: ['--help'], env: {}, want: { kind: 'help' } },
    { argv: ['-h'], env: {}, want: { kind: 'help' } },
    // Help wins over what else is wrong: a bad flag beside it, a bad environment value, a failing check.
    { argv: ['--nope', '--help'], env: {}, want: { kind: 'help' } },
    { argv: ['--cell', 'c1', '-h'], env: { HELIOS_LEASE_TTL: 'soon' }, want: { kind: 'help' } },
    { argv: ['--cell', 'c1'], env: {}, want: { kind: 'run', config: { cell: 'c1', ttl: 5 } } },
    { argv: [], env: { HELIOS_CELL: 'c2', HELIOS_LEASE_TTL: '3' }, want: { kind: 'run', config: { cell: 'c2', ttl: 3 } } },
    { argv: ['--nope'], env: {}, want: { kind: 'usage-error', message: 'unknown flag --nope' } },
    { argv: ['--cell'], env: {}, want: { kind: 'usage-error', message: 'flag --cell needs a value' } },
    { argv: ['-x'], env: {}, want: { kind: 'usage-error', message: 'unexpected argument "-x"' } },
    { argv: ['--cell', 'c1', '--lease-ttl', '0'], env: {}, want: { kind: 'usage-error', message: '--lease-ttl (HELIOS_LEASE_TTL) must be at least 1, got 0' } },
    // The check runs on what the table accepted.
    { argv: [], env: {}, want: { kind: 'usage-error', message: '--cell is required' } },
  ])('$argv $env -> $want.kind', ({ argv, env, want }) => {
    expect(readCommandLine({ settings, check }, argv, env)).toEqual(want);
  });

  it('runs without a check', () => {
    expect(readCommandLine({ settings }, [], {})).toEqual({ kind: 'run', config: { cell: '', ttl: 5 } });
  });
});

describe('helpText', () => {
  it('gives the summary, the usage line, the help flag and one line per setting with its env and default', () => {
    const lines = helpText({ name: 'cell-agent', summary: 'Helios cell agent: one cell, one cloud.', settings }).split('\n');
    expect(lines.slice(0, 4)).toEqual(['Helios cell agent: one cell, one cloud.', '', 'Usage: cell-agent [--flag value ...]', '']);
    expect(lines[4]).toMatch(/^ {2}-h, --help +print this help and exit$/);
    expect(lines[5]).toMatch(/^ {2}--cell +HELIOS_CELL +the cell \(required\) \(default: ""\)$/);
    expect(lines[6]).toMatch(/^ {2}--lease-ttl +HELIOS_LEASE_TTL +lease TTL seconds \(default: 5\)$/);
    expect(lines.slice(7)).toEqual(['']);
  });

  it('takes a usage line of its own', () => {
    expect(helpText({ name: 'local-fleet', summary: 's', usage: 'npm start -- [--flag value ...]', settings })).toContain('\nUsage: npm start -- [--flag value ...]\n');
  });
});

describe('usageErrorText', () => {
  it('names the program, then says where the settings are listed', () => {
    expect(usageErrorText('router', '--deployment is required')).toBe('router: --deployment is required\nRun with --help to list the settings.\n');
  });
});
