import { Tier } from '@helios/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProviderError, isInsufficientCapacity, isProviderError, type LaunchRequest, type PoolTemplate, type PreemptionNotice } from '@helios/provider';
import { SimProvider, type SimInstanceEvent } from './sim-provider';

const template = (over: Partial<PoolTemplate> = {}): PoolTemplate => ({
  cell: 'c1',
  pool: 'h100',
  region: 'sim-1',
  zone: 'sim-1a',
  instanceType: 'sim.h100x8',
  gpuType: 'h100',
  gpusPerNode: 8,
  tier: Tier.TIER_ON_DEMAND,
  ...over,
});

const request = (count: number, token: string, over: Partial<PoolTemplate> = {}): LaunchRequest => ({
  template: template(over),
  count,
  token,
  nodeNames: Array.from({ length: count }, (_, i) => `${over.pool ?? 'h100'}-${token}-${i}`),
});

describe('SimProvider', () => {
  const sims: SimProvider[] = [];
  const sim = (latency = 0): SimProvider => {
    const s = new SimProvider({ launchLatencyMs: latency, idPrefix: 'i-' });
    sims.push(s);
    return s;
  };
  afterEach(() => {
    for (const s of sims.splice(0)) s.close();
    vi.useRealTimers();
  });

  it('launches pending instances tagged with cell, pool and node that turn running', async () => {
    const cloud = sim();
    const running: SimInstanceEvent[] = [];
    cloud.onInstanceRunning((e) => {
      running.push(e);
    });
    const launched = await cloud.launch(request(2, 't1'));
    expect(launched.map((i) => [i.cell, i.pool, i.node, i.state, i.token])).toEqual([
      ['c1', 'h100', 'h100-t1-0', 'pending', 't1'],
      ['c1', 'h100', 'h100-t1-1', 'pending', 't1'],
    ]);
    await cloud.idle();
    expect(running.map((e) => [e.instance.id, e.instance.state, e.template.gpusPerNode])).toEqual([
      [launched[0]!.id, 'running', 8],
      [launched[1]!.id, 'running', 8],
    ]);
    expect((await cloud.list('c1')).map((i) => i.state)).toEqual(['running', 'running']);
  });

  it('returns the same instances for a repeated token and never launches more', async () => {
    const cloud = sim();
    const first = await cloud.launch(request(3, 'tok'));
    const again = await cloud.launch(request(3, 'tok'));
    expect(again.map((i) => i.id)).toEqual(first.map((i) => i.id));
    expect(await cloud.list('c1', 'h100')).toHaveLength(3);
    expect(cloud.calls.filter((c) => c.method === 'launch')).toHaveLength(2);
  });

  it('rejects a reused token with different parameters, as EC2 IdempotentParameterMismatch', async () => {
    const cloud = sim();
    await cloud.launch(request(1, 'tok'));
    const err = await cloud.launch(request(2, 'tok')).catch((e: unknown) => e);
    expect(isProviderError(err, 'InvalidConfiguration')).toBe(true);
    expect(await cloud.list('c1')).toHaveLength(1);
  });

  it.each([
    { name: 'pool limit', scope: { cell: 'c1', pool: 'h100' }, limit: 3, outside: { pool: 'a100' }, outsideLaunches: true },
    { name: 'instance type + zone limit', scope: { instanceType: 'sim.h100x8', zone: 'sim-1a' }, limit: 3, outside: { zone: 'sim-1b' }, outsideLaunches: true },
    { name: 'whole-cloud limit', scope: {}, limit: 3, outside: { cell: 'c2' }, outsideLaunches: false },
  ])('fails with InsufficientCapacity past a $name and launches nothing', async ({ scope, limit, outside, outsideLaunches }) => {
    const cloud = sim();
    cloud.setCapacity(scope, limit);
    await cloud.launch(request(2, 'a'));
    const err = await cloud.launch(request(2, 'b')).catch((e: unknown) => e);
    expect(isInsufficientCapacity(err)).toBe(true);
    expect(await cloud.list('c1')).toHaveLength(2);
    const launchedOutside = await cloud.launch(request(2, 'c', outside)).then(
      () => true,
      () => false,
    );
    expect(launchedOutside).toBe(outsideLaunches);
  });

  it('frees capacity on terminate and lifts a limit set to undefined', async () => {
    const cloud = sim();
    cloud.setCapacity({ pool: 'h100' }, 1);
    const [one] = await cloud.launch(request(1, 'a'));
    await expect(cloud.launch(request(1, 'b'))).rejects.toThrow(/no capacity/);
    await cloud.terminate([one!.id]);
    await cloud.launch(request(1, 'c'));
    cloud.setCapacity({ pool: 'h100' }, undefined);
    await cloud.launch(request(2, 'd'));
    expect(await cloud.list('c1', 'h100')).toHaveLength(3);
  });

  it('fails the next calls with injected errors, in order, and records them', async () => {
    const cloud = sim();
    cloud.failNext('list', new ProviderError('Throttled', 'slow down'));
    cloud.failNext('list', new ProviderError('Unknown', 'boom'));
    await expect(cloud.list('c1')).rejects.toMatchObject({ code: 'Throttled' });
    await expect(cloud.list('c1')).rejects.toMatchObject({ code: 'Unknown' });
    await expect(cloud.list('c1')).resolves.toEqual([]);
    cloud.failNext('launch', new ProviderError('QuotaExceeded', 'quota'));
    await expect(cloud.launch(request(1, 'x'))).rejects.toMatchObject({ code: 'QuotaExceeded' });
    // A failed launch did not consume its token: the retry with it launches.
    expect(await cloud.launch(request(1, 'x'))).toHaveLength(1);
    expect(cloud.calls.map((c) => c.method)).toEqual(['list', 'list', 'list', 'launch', 'launch']);
  });

  it('terminates idempotently, fires onInstanceTerminated once, and lists by cell and pool', async () => {
    const cloud = sim();
    const terminated: string[] = [];
    cloud.onInstanceTerminated((e) => {
      terminated.push(e.instance.id);
    });
    const h100 = await cloud.launch(request(2, 'a'));
    await cloud.launch(request(1, 'b', { pool: 'a100' }));
    await cloud.launch(request(1, 'c', { cell: 'c2' }));
    expect(await cloud.list('c1')).toHaveLength(3);
    expect(await cloud.list('c1', 'a100')).toHaveLength(1);
    expect(await cloud.list('c2')).toHaveLength(1);
    await cloud.terminate([h100[0]!.id, 'i-unknown']);
    await cloud.terminate([h100[0]!.id]);
    expect(terminated).toEqual([h100[0]!.id]);
    expect((await cloud.list('c1', 'h100')).map((i) => i.id)).toEqual([h100[1]!.id]);
    expect(cloud.describe(h100[0]!.id)?.state).toBe('terminated');
  });

  it('never reports running for an instance terminated while pending', async () => {
    const cloud = sim(50);
    const running: string[] = [];
    cloud.onInstanceRunning((e) => {
      running.push(e.instance.id);
    });
    const [one] = await cloud.launch(request(1, 'a'));
    await cloud.terminate([one!.id]);
    await cloud.idle();
    expect(running).toEqual([]);
  });

  it('turns instances running only after the launch latency', async () => {
    vi.useFakeTimers();
    const cloud = sim(200);
    const [one] = await cloud.launch(request(1, 'a'));
    await vi.advanceTimersByTimeAsync(199);
    expect(cloud.describe(one!.id)?.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(cloud.describe(one!.id)?.state).toBe('running');
  });

  it('preempts: announces a notice with the deadline, then terminates after the notice period', async () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    const cloud = new SimProvider({ launchLatencyMs: 0, idPrefix: 'i-' });
    sims.push(cloud);
    const notices: PreemptionNotice[] = [];
    const terminated: string[] = [];
    cloud.onPreemptionNotice((n) => {
      notices.push(n);
    });
    cloud.onInstanceTerminated((e) => {
      terminated.push(e.instance.id);
    });
    const [spot] = await cloud.launch(request(1, 's', { tier: Tier.TIER_PREEMPTIBLE }));
    await vi.advanceTimersByTimeAsync(0);
    const notice = cloud.preempt(spot!.id, 30_000);
    expect(notice).toEqual({ instanceId: spot!.id, node: 'h100-s-0', deadline: new Date('2030-01-01T00:00:30Z') });
    expect(notices).toEqual([notice]);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(terminated).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(terminated).toEqual([spot!.id]);
    expect(() => cloud.preempt(spot!.id, 1)).toThrow(/not live/);
  });

  it('keeps a failing listener from failing the cloud call', async () => {
    const errors: string[] = [];
    const cloud = new SimProvider({ launchLatencyMs: 0, onListenerError: (err, what) => errors.push(`${what}: ${(err as Error).message}`) });
    sims.push(cloud);
    cloud.onInstanceRunning(async () => {
      throw new Error('agent failed to boot');
    });
    await cloud.launch(request(1, 'a'));
    await cloud.idle();
    expect(errors).toEqual(['instance running: agent failed to boot']);
  });
});
