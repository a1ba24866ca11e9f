import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-error';
import { parentFor, resolveKind } from './kind-word';

describe('resolveKind', () => {
  it.each([
    ['nodes', 'node'],
    ['no', 'node'],
    ['pools', 'nodePool'],
    ['np', 'nodePool'],
    ['NodePool', 'nodePool'],
    ['deploy', 'deployment'],
    ['cells', 'cell'],
    ['rep', 'replica'],
  ])('%s -> %s', (word, name) => {
    expect(resolveKind(word).name).toBe(name);
  });

  it('lists the known words for an unknown one', () => {
    expect(() => resolveKind('pods')).toThrow(
      new UsageError('unknown resource type "pods" (known: cell|cells, nodepool|nodepools|pool|pools|np, node|nodes|no, deployment|deployments|deploy, replica|replicas|rep)'),
    );
  });
});

describe('parentFor', () => {
  it.each([
    ['nodePool', { cell: 'c1' }, 'c1'],
    ['node', { cell: 'c1' }, 'c1'],
    ['replica', { deployment: 'd1' }, 'd1'],
    ['nodePool', {}, ''],
    ['cell', {}, ''],
  ] as const)('%s %j -> %j', (kind, flags, parent) => {
    expect(parentFor(kind, flags)).toBe(parent);
  });

  it.each([
    ['replica', { cell: 'c1' }, '--cell applies only to nodepools and nodes'],
    ['cell', { cell: 'c1' }, '--cell applies only to nodepools and nodes'],
    ['nodePool', { deployment: 'd' }, '--deployment applies only to replicas'],
  ] as const)('refuses %s with %j', (kind, flags, message) => {
    expect(() => parentFor(kind, flags)).toThrow(new UsageError(message));
  });
});
