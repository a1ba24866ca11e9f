import { describe, expect, it } from 'vitest';
import { parseHostPort } from './host-port';

describe('parseHostPort', () => {
  it.each([
    { value: '127.0.0.1:8080', want: { host: '127.0.0.1', port: 8080 } },
    { value: '[::1]:9000', want: { host: '::1', port: 9000 } },
    { value: ':80', want: { host: '0.0.0.0', port: 80 } },
    { value: 'localhost:0', want: { host: 'localhost', port: 0 } },
  ])('$value', ({ value, want }) => {
    expect(parseHostPort(value)).toEqual(want);
  });

  it.each([
    { value: '8080', msg: '"8080" is not host:port' },
    { value: 'host:http', msg: '"host:http" has no valid port' },
    { value: 'host:70000', msg: '"host:70000" has no valid port' },
  ])('rejects $value', ({ value, msg }) => {
    expect(() => parseHostPort(value)).toThrow(msg);
  });

  it('names the setting in the error when told it', () => {
    expect(() => parseHostPort('9464', '--metrics-addr')).toThrow('--metrics-addr: "9464" is not host:port');
  });
});
