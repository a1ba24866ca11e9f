import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBootstrapToken } from './bootstrap-token';

describe('readBootstrapToken', () => {
  const dir = mkdtempSync(join(tmpdir(), 'helios-token-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  it.each([
    ['a flag', 'abc123.s3cr3t', '', 'abc123.s3cr3t'],
    ['a file, first line, trimmed', '', file('t1', ' abc123.s3cr3t \nignored\n'), 'abc123.s3cr3t'],
    ['neither (a node holding a credential)', '', '', undefined],
  ])('%s', (_name, token, tokenFile, expected) => {
    expect(readBootstrapToken(token, tokenFile)).toBe(expected);
  });
  it.each([
    ['a token without its secret', 'abc123', '', '--token: a bootstrap token is <id>.<secret>'],
    ['an empty file', '', file('t2', '\n'), 'is empty'],
    ['a missing file', '', join(dir, 'absent'), `--token-file: cannot read ${join(dir, 'absent')}`],
  ])('refuses %s', (_name, token, tokenFile, message) => {
    expect(() => readBootstrapToken(token, tokenFile)).toThrow(message);
  });
});
