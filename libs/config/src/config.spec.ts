import { describe, expect, it } from 'vitest';
import { ConfigError, describeSettings, loadConfig } from './config';

const settings = {
  etcd: { flag: 'etcd', env: 'HELIOS_ETCD', default: 'http://127.0.0.1:2379', doc: 'etcd endpoints' },
  ttl: { flag: 'lease-ttl', env: 'HELIOS_LEASE_TTL', default: 5, doc: 'lease TTL seconds' },
  verbose: { flag: 'verbose', env: 'HELIOS_VERBOSE', default: false, doc: 'more logs' },
};

describe('loadConfig', () => {
  it.each([
    { argv: [], env: {}, want: { etcd: 'http://127.0.0.1:2379', ttl: 5, verbose: false } },
    { argv: [], env: { HELIOS_LEASE_TTL: '7' }, want: { etcd: 'http://127.0.0.1:2379', ttl: 7, verbose: false } },
    { argv: ['--lease-ttl', '3'], env: { HELIOS_LEASE_TTL: '7' }, want: { etcd: 'http://127.0.0.1:2379', ttl: 3, verbose: false } },
    { argv: ['--lease-ttl=2', '--verbose'], env: {}, want: { etcd: 'http://127.0.0.1:2379', ttl: 2, verbose: true } },
    { argv: ['--verbose', 'false', '--etcd', 'x'], env: {}, want: { etcd: 'x', ttl: 5, verbose: false } },
  ])('flags beat env beat defaults: $argv $env', ({ argv, env, want }) => {
    expect(loadConfig(settings, argv, env)).toEqual(want);
  });

  it.each([
    { argv: ['--nope'], msg: 'unknown flag --nope' },
    { argv: ['--lease-ttl', 'soon'], msg: '--lease-ttl (HELIOS_LEASE_TTL) must be a number, got "soon"' },
    { argv: ['--etcd'], msg: 'flag --etcd needs a value' },
    { argv: ['stray'], msg: 'unexpected argument "stray"' },
    { argv: ['--verbose=maybe'], msg: '--verbose (HELIOS_VERBOSE) must be true or false, got "maybe"' },
  ])('rejects $argv', ({ argv, msg }) => {
    expect(() => loadConfig(settings, argv, {})).toThrow(new ConfigError(msg));
  });

  it('documents every setting', () => {
    const help = describeSettings(settings);
    expect(help.split('\n')).toHaveLength(3);
    expect(help).toContain('--lease-ttl');
    expect(help).toContain('HELIOS_LEASE_TTL');
  });
});
