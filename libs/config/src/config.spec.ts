import { describe, expect, it } from 'vitest';
import { ConfigError, describeSettings, loadConfig } from './config';

const settings = {
  etcd: { flag: 'etcd', env: 'HELIOS_ETCD', default: 'http://127.0.0.1:2379', doc: 'etcd endpoints' },
  ttl: { flag: 'lease-ttl', env: 'HELIOS_LEASE_TTL', default: 5, doc: 'lease TTL seconds' },
  verbose: { flag: 'verbose', env: 'HELIOS_VERBOSE', default: false, doc: 'more logs' },
  share: { flag: 'share', env: 'HELIOS_SHARE', default: 0.5, doc: 'a fraction', min: 0.01, max: 1 },
  delay: { flag: 'delay', env: 'HELIOS_DELAY', default: 0, doc: 'seconds', min: 0 },
};

describe('loadConfig', () => {
  it.each([
    { argv: [], env: {}, want: { etcd: 'http://127.0.0.1:2379', ttl: 5, verbose: false, share: 0.5, delay: 0 } },
    { argv: [], env: { HELIOS_LEASE_TTL: '7' }, want: { etcd: 'http://127.0.0.1:2379', ttl: 7, verbose: false, share: 0.5, delay: 0 } },
    { argv: ['--lease-ttl', '3'], env: { HELIOS_LEASE_TTL: '7' }, want: { etcd: 'http://127.0.0.1:2379', ttl: 3, verbose: false, share: 0.5, delay: 0 } },
    { argv: ['--lease-ttl=2', '--verbose'], env: {}, want: { etcd: 'http://127.0.0.1:2379', ttl: 2, verbose: true, share: 0.5, delay: 0 } },
    { argv: ['--verbose', 'false', '--etcd', 'x'], env: {}, want: { etcd: 'x', ttl: 5, verbose: false, share: 0.5, delay: 0 } },
  ])('flags beat env beat defaults: $argv $env', ({ argv, env, want }) => {
    expect(loadConfig(settings, argv, env)).toEqual(want);
  });

  it.each([
    { argv: ['--nope'], msg: 'unknown flag --nope' },
    { argv: ['--lease-ttl', 'soon'], msg: '--lease-ttl (HELIOS_LEASE_TTL) must be a number, got "soon"' },
    { argv: ['--etcd'], msg: 'flag --etcd needs a value' },
    { argv: ['stray'], msg: 'unexpected argument "stray"' },
    { argv: ['--verbose=maybe'], msg: '--verbose (HELIOS_VERBOSE) must be true or false, got "maybe"' },
    { argv: ['--share', '1.5'], msg: '--share (HELIOS_SHARE) must be between 0.01 and 1, got 1.5' },
    { argv: ['--share', '0'], msg: '--share (HELIOS_SHARE) must be between 0.01 and 1, got 0' },
    { argv: ['--delay', '-1'], msg: '--delay (HELIOS_DELAY) must be at least 0, got -1' },
  ])('rejects $argv', ({ argv, msg }) => {
    expect(() => loadConfig(settings, argv, {})).toThrow(new ConfigError(msg));
  });

  it('accepts the ends of a range', () => {
    expect(loadConfig(settings, ['--share', '1', '--delay', '0'], {})).toMatchObject({ share: 1, delay: 0 });
    expect(loadConfig(settings, [], { HELIOS_SHARE: '0.01' })).toMatchObject({ share: 0.01 });
  });

  it('checks the range of environment values too', () => {
    expect(() => loadConfig(settings, [], { HELIOS_DELAY: '-5' })).toThrow(new ConfigError('--delay (HELIOS_DELAY) must be at least 0, got -5'));
  });

  it('documents every setting', () => {
    const help = describeSettings(settings);
    expect(help.split('\n')).toHaveLength(5);
    expect(help).toContain('--lease-ttl');
    expect(help).toContain('HELIOS_LEASE_TTL');
  });
});
