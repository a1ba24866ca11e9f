import { NodePool, Tier, wrap, type Resource } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderGet, resourceRef } from './output-format';

const NOW = Date.parse('2024-05-04T12:00:00Z');
const pool = (name: string): Resource => wrap('nodePool', NodePool.fromPartial({ metadata: { name, createdAt: '2024-05-04T11:00:00.000Z' }, spec: { cell: 'c', tier: Tier.TIER_ON_DEMAND, max: 2 } }));
const display = (name: string) => ({ apiVersion: 'helios/v1', kind: 'NodePool', metadata: { name, createdAt: '2024-05-04T11:00:00.000Z' }, spec: { cell: 'c', tier: 'OnDemand', max: 2 } });

describe('renderGet', () => {
  it('json: a List for a listing, the object alone for one name', () => {
    expect(JSON.parse(renderGet('json', 'nodePool', [pool('a'), pool('b')], false, NOW))).toEqual({ apiVersion: 'helios/v1', kind: 'List', items: [display('a'), display('b')] });
    expect(renderGet('json', 'nodePool', [pool('a')], true, NOW)).toBe(JSON.stringify(display('a'), null, 2) + '\n');
    expect(JSON.parse(renderGet('json', 'nodePool', [pool('a')], false, NOW)).kind).toBe('List');
    expect(JSON.parse(renderGet('json', 'nodePool', [], false, NOW))).toEqual({ apiVersion: 'helios/v1', kind: 'List', items: [] });
  });

  it('yaml: the same shapes', () => {
    expect(parse(renderGet('yaml', 'nodePool', [pool('a'), pool('b')], false, NOW))).toEqual({ apiVersion: 'helios/v1', kind: 'List', items: [display('a'), display('b')] });
    expect(renderGet('yaml', 'nodePool', [pool('a')], true, NOW)).toBe(
      'apiVersion: helios/v1\nkind: NodePool\nmetadata:\n  name: a\n  createdAt: 2024-05-04T11:00:00.000Z\nspec:\n  cell: c\n  tier: OnDemand\n  max: 2\n',
    );
  });

  it('name: kind/name lines', () => {
    expect(renderGet('name', 'nodePool', [pool('a'), pool('b')], false, NOW)).toBe('nodepool/a\nnodepool/b\n');
  });

  it('table and wide: aligned rows, nothing for no rows', () => {
    expect(renderGet('table', 'nodePool', [pool('a')], true, NOW)).toBe('NAME   CELL   TIER       GPU      MIN   MAX   DESIRED   READY   AGE\na      c      OnDemand   <none>   0     2     0         0       60m\n');
    expect(renderGet('wide', 'nodePool', [pool('a')], false, NOW).split('\n')[0]).toContain('INSTANCE-TYPE');
    expect(renderGet('table', 'nodePool', [], false, NOW)).toBe('');
  });
});

describe('resourceRef', () => {
  it.each([
    ['nodePool', 'gpu-a', 'nodepool/gpu-a'],
    ['cell', 'us-east', 'cell/us-east'],
    ['deployment', 'llama', 'deployment/llama'],
  ] as const)('%s %s -> %s', (kind, name, ref) => {
    expect(resourceRef(kind, name)).toBe(ref);
  });
});
