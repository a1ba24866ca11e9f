import { describe, expect, it } from 'vitest';
import { benchFailures, idealRolloutSeconds, type RolloutFigures } from './bench-figures';

describe('idealRolloutSeconds', () => {
  // Mirrors the worked example in bench-figures.ts.
  it.each([
    { replicas: 8, surge: '25%', unavailable: '0', ready: 1.5, minReady: 1, want: 10 },
    { replicas: 10, surge: '25%', unavailable: '0', ready: 2, minReady: 0, want: 8 },
    { replicas: 8, surge: '0', unavailable: '2', ready: 1, minReady: 1, want: 8 },
    { replicas: 8, surge: '100%', unavailable: '0', ready: 3, minReady: 0, want: 3 },
  ])('$replicas replicas, surge $surge, unavailable $unavailable -> $want s', ({ replicas, surge, unavailable, ready, minReady, want }) => {
    expect(idealRolloutSeconds(replicas, surge, unavailable, ready, minReady)).toBe(want);
  });
});

describe('benchFailures', () => {
  const good: RolloutFigures = {
    requests: 50_000,
    failedRequests: 0,
    failedByPhase: {},
    staleResponses: 0,
    rolloutSeconds: 12,
    idealRolloutSeconds: 10,
    minReady: 8,
    minReadyNodeKill: 4,
    rolledBackAutomatically: true,
    rollbackSeconds: 30,
    nodeKillRolloutSeconds: 20,
  };

  it.each([
    { name: 'a clean run', change: {}, want: [] },
    { name: 'a failed request', change: { failedRequests: 2 }, want: ['2 requests failed'] },
    { name: 'a stale answer', change: { staleResponses: 1 }, want: ['1 answers came from a version whose successor had completed its rollout'] },
    { name: 'capacity dipped', change: { minReady: 7 }, want: ['only 7 replicas served at one point; at least 8 wanted'] },
    { name: 'no rollback', change: { rolledBackAutomatically: false }, want: ['the broken version was not rolled back automatically'] },
  ])('$name', ({ change, want }) => {
    expect(benchFailures({ ...good, ...change }, 8, 0)).toEqual(want);
  });
});
