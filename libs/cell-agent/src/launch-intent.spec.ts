import { NodePool } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { launchIntent, pendingLaunches, withLaunch, withoutLaunches } from './launch-intent';
import { newNodeNames } from './node-names';

describe('launch intents', () => {
  it('are recorded in status.launches, replaced by token and removed when done', () => {
    const pool = NodePool.fromPartial({ metadata: { name: 'p' }, status: { desired: 3 } });
    const a = launchIntent('t-a', ['p-a', 'p-b'], new Date('2030-01-01T00:00:00Z'));
    expect(a).toEqual({ token: 't-a', count: 2, nodeNames: ['p-a', 'p-b'], createdTime: '2030-01-01T00:00:00.000Z' });
    withLaunch(pool, a);
    withLaunch(pool, launchIntent('t-b', ['p-c']));
    withLaunch(pool, a);
    expect(pendingLaunches(pool).map((l) => l.token)).toEqual(['t-b', 't-a']);
    withoutLaunches(pool, new Set(['t-a']));
    expect(pendingLaunches(pool).map((l) => l.token)).toEqual(['t-b']);
    expect(pool.status?.desired).toBe(3);
  });

  it('start from a pool without status', () => {
    const pool = NodePool.fromPartial({ metadata: { name: 'p' } });
    expect(pendingLaunches(pool)).toEqual([]);
    expect(pendingLaunches(withLaunch(pool, launchIntent('t', ['p-x'])))).toHaveLength(1);
  });
});

describe('newNodeNames', () => {
  it('makes distinct <pool>-<5 chars> names that avoid taken ones', () => {
    const names = newNodeNames('gpu-h100', 200, new Set(['gpu-h100-bbbbb']));
    expect(new Set(names).size).toBe(200);
    for (const name of names) expect(name).toMatch(/^gpu-h100-[b-z2-9]{5}$/);
    expect(names).not.toContain('gpu-h100-bbbbb');
  });
});
