import { describe, expect, it } from 'vitest';
import { Keys } from './keys';

describe('Keys', () => {
  const keys = new Keys();

  it.each([
    ['cell', 'c1', undefined, '/helios/v1/cells/c1'],
    ['nodePool', 'h100-spot', 'c1', '/helios/v1/pools/c1/h100-spot'],
    ['node', 'n1', 'c1', '/helios/v1/nodes/c1/n1'],
    ['deployment', 'llama', undefined, '/helios/v1/deployments/llama'],
    ['replica', 'llama-abc', 'llama', '/helios/v1/replicas/llama/llama-abc'],
  ] as const)('resource(%s, %s, %s) is %s and parses back', (kind, name, parent, key) => {
    expect(keys.resource(kind, name, parent)).toBe(key);
    expect(keys.parse(kind, key)).toEqual({ name, parent: parent ?? '' });
  });

  it.each([
    ['node', undefined, '/helios/v1/nodes/'],
    ['node', 'c1', '/helios/v1/nodes/c1/'],
    ['cell', undefined, '/helios/v1/cells/'],
    ['replica', 'llama', '/helios/v1/replicas/llama/'],
  ] as const)('prefix(%s, %s) is %s', (kind, parent, prefix) => {
    expect(keys.prefix(kind, parent)).toBe(prefix);
  });

  it('builds the raw keys of docs/architecture.md, section 2', () => {
    expect(keys.heartbeat('c1', 'n1')).toBe('/helios/v1/heartbeats/c1/n1');
    expect(keys.heartbeats()).toBe('/helios/v1/heartbeats/');
    expect(keys.heartbeats('c1')).toBe('/helios/v1/heartbeats/c1/');
    expect(keys.agent('c1')).toBe('/helios/v1/agents/c1');
    expect(keys.agents()).toBe('/helios/v1/agents/');
    expect(keys.election('control-plane')).toBe('/helios/v1/election/control-plane');
    expect(keys.load('llama', 'r1')).toBe('/helios/v1/load/llama/r1');
    expect(keys.token('abc123')).toBe('/helios/v1/tokens/abc123');
    expect(keys.tokens()).toBe('/helios/v1/tokens/');
    expect(keys.secret('node-credential-key')).toBe('/helios/v1/secrets/node-credential-key');
  });

  it('honours another root, with or without a trailing slash', () => {
    expect(new Keys('/t/x/helios/v1/').resource('cell', 'c1')).toBe('/t/x/helios/v1/cells/c1');
  });

  it.each([
    ['a name with a slash', () => keys.resource('cell', 'a/b')],
    ['an empty name', () => keys.resource('cell', '')],
    ['a node without its cell', () => keys.resource('node', 'n1')],
    ['a cell under a parent', () => keys.resource('cell', 'c1', 'x')],
    ['a parent with a slash', () => keys.prefix('node', 'c/1')],
  ])('rejects %s', (_what, build) => {
    expect(build).toThrow();
  });

  it.each([
    ['/helios/v1/nodes/c1', 'node'],
    ['/helios/v1/nodes/c1/n1/extra', 'node'],
    ['/helios/v1/cells/c1/x', 'cell'],
    ['/helios/v1/pools/c1/p1', 'node'],
  ] as const)('does not parse %s as a %s key', (key, kind) => {
    expect(keys.parse(kind, key)).toBeUndefined();
  });
});
