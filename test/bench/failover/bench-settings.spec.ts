import { describe, expect, it } from 'vitest';
import { BENCH_SETTINGS, deriveBenchPlan, type BenchSettings } from './bench-settings';

const defaults = Object.fromEntries(Object.entries(BENCH_SETTINGS).map(([key, s]) => [key, s.default])) as unknown as BenchSettings;

describe('deriveBenchPlan', () => {
  it('fills one cell per 500 nodes, kills 2 % (at least 10) and settles 3 TTLs + 1 s per 1,000 nodes', () => {
    expect(deriveBenchPlan({ ...defaults, nodes: 10_000 })).toMatchObject({ nodes: 10_000, cells: 20, kill: 200, settleSeconds: 25 });
    expect(deriveBenchPlan({ ...defaults, nodes: 100 })).toMatchObject({ cells: 1, kill: 10, settleSeconds: 16 });
  });

  it('by default serves 4 replicas on 4 hosts of 2 GPUs and kills 2 of them', () => {
    expect(deriveBenchPlan(defaults)).toMatchObject({ agents: 4, killAgents: 2, replicas: 4 });
  });

  it('never kills more hosts or nodes than exist', () => {
    expect(deriveBenchPlan({ ...defaults, nodes: 5, kill: 50, agents: 1, killAgents: 3, replicas: 0 })).toMatchObject({ kill: 5, agents: 1, killAgents: 1 });
  });

  it('refuses a deployment the surviving hosts could not hold', () => {
    expect(() => deriveBenchPlan({ ...defaults, replicas: 5 })).toThrow('--replicas 5 cannot be replaced on the 2 served hosts left after --kill-agents 2 (4 GPUs)');
    expect(() => deriveBenchPlan({ ...defaults, agents: 2, killAgents: 2, replicas: 1 })).toThrow(/0 GPUs/);
    expect(deriveBenchPlan({ ...defaults, agents: 6, killAgents: 2, replicas: 8 }).replicas).toBe(8);
  });
});
