import { describe, expect, it } from 'vitest';
import { argvOf, environOf, isNodeAgentOf } from './process-tree';

describe('argvOf', () => {
  it.each([
    // The worked example of its comment.
    ['node\0main.ts\0--node\0n1\0', ['node', 'main.ts', '--node', 'n1']],
    ['node\0-e\0a b\0', ['node', '-e', 'a b']],
    ['', []],
    ['node\0\0x\0', ['node', '', 'x']],
  ])('%j -> %j', (cmdline, expected) => {
    expect(argvOf(cmdline)).toEqual(expected);
  });
});

describe('environOf', () => {
  it.each([
    // The worked example of its comment.
    ['PORT=8000\0A=b=c\0', { PORT: '8000', A: 'b=c' }],
    ['EMPTY=\0', { EMPTY: '' }],
    ['', {}],
    ['=nameless\0X=1', { X: '1' }],
  ])('%j -> %j', (environ, expected) => {
    expect(environOf(environ)).toEqual(expected);
  });
});

describe('isNodeAgentOf', () => {
  const agent = (node: string) => ['/usr/bin/node', '--require', '/x/tsx/cjs', '/repo/apps/node-agent/src/main.ts', '--etcd', 'http://e', '--node', node, '--zone', 'z'];
  it.each([
    [agent('fp-1'), 'fp-1', true],
    [agent('fp-1'), 'fp-10', false],
    [agent('fp-10'), 'fp-1', false],
    [['/usr/bin/node', '/repo/apps/cell-agent/src/main.ts', '--node', 'fp-1'], 'fp-1', false],
    [['/usr/bin/node', '/repo/apps/node-agent/src/main.ts', '--node'], 'fp-1', false],
  ])('%j for %s -> %s', (argv, node, expected) => {
    expect(isNodeAgentOf(argv, node)).toBe(expected);
  });
});
