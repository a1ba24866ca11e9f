import { loadConfig } from '@helios/config';
import { describe, expect, it } from 'vitest';
import { BENCH_SETTINGS, deriveScalePlan, spreadEvenly } from './bench-settings';

const settings = (argv: string[]) => loadConfig(BENCH_SETTINGS, argv, {});

describe('spreadEvenly', () => {
  it.each([
    [10, 3, [4, 3, 3]],
    [2, 4, [1, 1, 0, 0]],
    [40_000, 200, Array.from({ length: 200 }, () => 200)],
    [0, 2, [0, 0]],
  ])('%i into %i -> %j', (total, parts, want) => {
    expect(spreadEvenly(total, parts)).toEqual(want);
  });
});

describe('deriveScalePlan', () => {
  it('lays out the worked example of its comment', () => {
    const plan = deriveScalePlan(settings(['--nodes', '10', '--cells', '3', '--cell-processes', '2', '--replicas', '5', '--deployments', '2']));
    expect(plan.cells).toEqual([
      { name: 'cell-0', pool: 'pool-0', nodes: 4 },
      { name: 'cell-1', pool: 'pool-1', nodes: 3 },
      { name: 'cell-2', pool: 'pool-2', nodes: 3 },
    ]);
    expect(plan.deployments).toEqual([
      { name: 'scale-0', replicas: 3 },
      { name: 'scale-1', replicas: 2 },
    ]);
    expect(plan.groups).toEqual([['cell-0', 'cell-1'], ['cell-2']]);
    expect(plan).toMatchObject({ nodes: 10, replicas: 5 });
  });

  it('defaults to 10,000 nodes in 20 cells of 500 and 200 deployments of 200 replicas over 4 processes of 5 cells', () => {
    const plan = deriveScalePlan(settings([]));
    expect(plan.cells).toHaveLength(20);
    expect(plan.cells.every((c) => c.nodes === 500)).toBe(true);
    expect(plan.deployments).toHaveLength(200);
    expect(plan.deployments.every((d) => d.replicas === 200)).toBe(true);
    expect(plan.groups.map((g) => g.length)).toEqual([5, 5, 5, 5]);
  });

  it('never runs more cell processes than cells', () => {
    expect(deriveScalePlan(settings(['--nodes', '4', '--cells', '2', '--cell-processes', '8', '--replicas', '4', '--deployments', '1'])).groups).toEqual([['cell-0'], ['cell-1']]);
  });

  it.each([
    [['--nodes', '3', '--cells', '4'], '--cells 4 exceeds --nodes 3'],
    [['--replicas', '10', '--deployments', '11'], '--deployments 11 exceeds --replicas 10'],
    [['--nodes', '10', '--cells', '2', '--gpus-per-node', '2', '--replicas', '21', '--deployments', '1'], 'exceed the fleet\'s 20 GPUs'],
  ])('refuses %j', (argv, message) => {
    expect(() => deriveScalePlan(settings(argv))).toThrow(message);
  });
});
