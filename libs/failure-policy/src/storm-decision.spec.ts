import { describe, expect, it } from 'vitest';
import type { EvictionBucket } from './eviction-bucket';
import { planCellEvictions, type SilentNode } from './storm-decision';
import { resolveStormSettings } from './storm-settings';

const defaults = resolveStormSettings();

/** `count` silent nodes n0, n1, ... since `start` ms, `step` ms apart, all awaiting eviction. */
function silences(count: number, start = 0, step = 100): SilentNode[] {
  return Array.from({ length: count }, (_, i) => ({ node: `n${i}`, since: start + i * step, awaitingEviction: true }));
}

describe('planCellEvictions', () => {
  // The worked example in the function's comment: 10 nodes, 6 silent since 0.0-0.5 s.
  it.each([
    { name: 'storm, nothing settled yet', now: 1_000, bucket: undefined, degraded: true, evict: [], waiting: 6, retry: 1_000 },
    { name: 'storm, first settled: one eviction', now: 2_500, bucket: undefined, degraded: true, evict: ['n0'], waiting: 5, retry: 10_000 },
    { name: 'storm, ten seconds on: one more', now: 12_500, bucket: { tokens: 0, at: 2_500 }, degraded: true, evict: ['n0'], waiting: 5, retry: 10_000 },
    { name: 'storm, too soon for another', now: 7_500, bucket: { tokens: 0, at: 2_500 }, degraded: true, evict: [], waiting: 6, retry: 5_000 },
  ])('$name', ({ now, bucket, degraded, evict, waiting, retry }) => {
    const plan = planCellEvictions({ cell: 'c1', nodes: 10, silent: silences(6) }, bucket as EvictionBucket | undefined, now, defaults);
    expect(plan.degraded).toBe(degraded);
    expect(plan.silentInWindow).toBe(6);
    expect(plan.evictNow).toEqual(evict);
    expect(plan.waiting).toHaveLength(waiting);
    expect(plan.retryAfterMs).toBe(retry);
  });

  it('walks the worked example end to end, one node per 10 s', () => {
    let bucket: EvictionBucket | undefined;
    let silent = silences(6);
    const evicted: string[][] = [];
    for (const now of [1_000, 2_500, 7_500, 12_500, 22_500]) {
      const plan = planCellEvictions({ cell: 'c1', nodes: 10, silent }, bucket, now, defaults);
      bucket = plan.bucket;
      evicted.push(plan.evictNow);
      silent = silent.map((s) => (plan.evictNow.includes(s.node) ? { ...s, awaitingEviction: false } : s));
    }
    expect(evicted).toEqual([[], ['n0'], [], ['n1'], ['n2']]);
  });

  it.each([
    // Healthy: 2 of 10 silent, evicted together once settled.
    { name: 'healthy cell evicts all settled at once', nodes: 10, silent: silences(2), now: 2_000, degraded: false, evict: ['n0'], retry: 100 },
    { name: 'healthy cell, both settled', nodes: 10, silent: silences(2), now: 2_100, degraded: false, evict: ['n0', 'n1'], retry: undefined },
    // Exactly half is a storm (>= 50 %).
    { name: 'half the cell is a storm', nodes: 10, silent: silences(5), now: 3_000, degraded: true, evict: ['n0'], retry: 10_000 },
    { name: 'just under half is not', nodes: 11, silent: silences(5), now: 3_000, degraded: false, evict: ['n0', 'n1', 'n2', 'n3', 'n4'], retry: undefined },
    // Small cells are never Degraded: one of two nodes dying is hardware.
    { name: 'cell below minCellNodes', nodes: 2, silent: silences(2), now: 3_000, degraded: false, evict: ['n0', 'n1'], retry: undefined },
    // Silences spread wider than the window are separate failures, not a storm.
    { name: 'silences spread out', nodes: 10, silent: silences(6, 0, 6_000), now: 40_000, degraded: false, evict: ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'], retry: undefined },
    { name: 'nothing silent', nodes: 10, silent: [], now: 0, degraded: false, evict: [], retry: undefined },
  ])('$name', ({ nodes, silent, now, degraded, evict, retry }) => {
    const plan = planCellEvictions({ cell: 'c1', nodes, silent }, undefined, now, defaults);
    expect([plan.degraded, plan.evictNow, plan.retryAfterMs]).toEqual([degraded, evict, retry]);
  });

  it('counts already evicted silent nodes towards the storm, but evicts only those still waiting', () => {
    const silent = silences(6).map((s, i) => ({ ...s, awaitingEviction: i >= 4 }));
    const plan = planCellEvictions({ cell: 'c1', nodes: 10, silent }, { tokens: 1, at: 5_000 }, 5_000, defaults);
    expect(plan.degraded).toBe(true);
    expect(plan.silent).toBe(6);
    expect(plan.evictNow).toEqual(['n4']);
    expect(plan.waiting).toEqual(['n5']);
  });

  it('recovers when the silent nodes come back', () => {
    const stormy = planCellEvictions({ cell: 'c1', nodes: 10, silent: silences(6) }, undefined, 2_500, defaults);
    const back = planCellEvictions({ cell: 'c1', nodes: 10, silent: silences(6).slice(0, 2) }, stormy.bucket, 3_000, defaults);
    expect([stormy.degraded, back.degraded]).toEqual([true, false]);
  });

  it('stops evicting in a Degraded cell whose rate is 0 and asks for no timed retry', () => {
    const settings = resolveStormSettings({ degradedEvictionsPerSecond: 0 });
    const first = planCellEvictions({ cell: 'c1', nodes: 10, silent: silences(6) }, undefined, 2_500, settings);
    const later = planCellEvictions({ cell: 'c1', nodes: 10, silent: silences(6) }, first.bucket, 3_600_000, settings);
    expect([first.evictNow.length, later.evictNow.length, later.retryAfterMs]).toEqual([1, 0, undefined]);
  });

  it('says why in its message', () => {
    expect(planCellEvictions({ cell: 'c1', nodes: 10, silent: silences(6) }, undefined, 2_500, defaults).message).toBe(
      '6 of 10 nodes went silent within 10 s; evicting at most 1 node at once, then one every 10 s',
    );
    expect(planCellEvictions({ cell: 'c1', nodes: 10, silent: silences(1) }, undefined, 2_500, defaults).message).toBe('1 of 10 nodes silent');
  });
});
