import { Tier } from '@helios/api';
import { ManualClock } from '@helios/controller-runtime';
import { waitFor } from '@helios/launcher';
import { deployment, pool, replica } from '@helios/scheduling/testing';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { controllerWorld, type ControllerWorld } from '../testing/controller-world';
import { CapacityController } from './capacity-controller';

const R = Tier.TIER_RESERVED;
const P = Tier.TIER_PREEMPTIBLE;
const OD = Tier.TIER_ON_DEMAND;
const T0 = Date.parse('2025-06-01T12:00:00Z');
const COOLDOWN_S = 120;

describe('CapacityController against etcd', () => {
  let world: ControllerWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  /**
   * Cell east with reserved (min 2, max 4), preemptible and on-demand pools, the controller on a
   * manual clock (so it plans each event at once: a coalescing window would wait for the clock).
   */
  async function east(clock: ManualClock): Promise<ControllerWorld> {
    const w = await controllerWorld(inject('etcdEndpoint'), clock);
    world = w;
    await w.store.create('nodePool', pool('east', 'res', { tier: R, min: 2, max: 4, price: 40 }));
    await w.store.create('nodePool', pool('east', 'spot', { tier: P, max: 10, price: 20 }));
    await w.store.create('nodePool', pool('east', 'od', { tier: OD, max: 10, price: 80 }));
    await w.store.create('deployment', deployment('d', { allowed: [R, OD] }));
    w.run(
      new CapacityController(w.deps, { scaleDownCooldownSeconds: COOLDOWN_S, headroomGpus: 0, headroomPercent: 0, capacityUnavailableBackoffSeconds: 300, resyncSeconds: 3600, coalesceMs: 0 }),
    );
    return w;
  }

  const metricSum = async (metric: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> }) =>
    (await metric.get()).values.filter((v) => v.labels.controller === 'capacity').reduce((sum, v) => sum + v.value, 0);
  const reconciles = (w: ControllerWorld) => metricSum(w.deps.metrics.reconcileTotal);
  const queueDepth = (w: ControllerWorld) => metricSum(w.deps.metrics.queueDepth);

  const desired = async (w: ControllerWorld) =>
    Object.fromEntries((await w.store.list('nodePool', 'east')).items.map((p) => [p.metadata!.name, p.status?.desired ?? 0]));

  it('holds reserved pools at min with no demand, follows demand up, and scales down only after the cooldown', async () => {
    const clock = new ManualClock(T0);
    const w = await east(clock);
    await waitFor('reserved at min', async () => (await desired(w)).res === 2, 10_000, 50);
    expect(await desired(w)).toEqual({ res: 2, spot: 0, od: 0 });

    // Demand: six 8-GPU replicas placed in east, policy forbids preemptible -> reserved to max 4, on-demand 2.
    for (let i = 0; i < 6; i++) await w.store.create('replica', replica('d', `d-${i}`, { cell: 'east', gpus: 8 }));
    // Each pool's desired count is its own write: wait for the last of them, not the first.
    await waitFor('desired follows demand', async () => { const d = await desired(w); return d.od === 2 && d.res === 4; }, 10_000, 50);
    expect(await desired(w)).toEqual({ res: 4, spot: 0, od: 2 });
    const od = await w.store.get('nodePool', 'od', 'east');
    expect(od?.status?.lastScaleUpTime).toBe(new Date(T0).toISOString());

    // Demand goes away one minute later (one txn, so one event): the cooldown (2 min from the
    // scale-up) holds the pools.
    clock.advance(60_000);
    const before = await reconciles(w);
    await w.client.delete().prefix(w.keys.prefix('replica', 'd')).exec();
    await waitFor('the controller to plan without the replicas', async () => (await reconciles(w)) > before && (await queueDepth(w)) === 0, 10_000, 20);
    expect(await desired(w)).toEqual({ res: 4, spot: 0, od: 2 });

    // Past the cooldown the held reconcile fires: on-demand to 0, reserved back to its min.
    clock.advance(COOLDOWN_S * 1000);
    await waitFor('scaled down', async () => (await desired(w)).od === 0, 10_000, 50);
    expect(await desired(w)).toEqual({ res: 2, spot: 0, od: 0 });
  });

  it('hands replicas no pool can take back to placement, clearing their cell and tier', async () => {
    const clock = new ManualClock(Date.now());
    const w = await controllerWorld(inject('etcdEndpoint'), clock);
    world = w;
    const unavailable = pool('east', 'spot', { tier: P, max: 4, price: 20, unavailableSince: new Date(clock.now()).toISOString() });
    await w.store.create('nodePool', unavailable);
    await w.store.create('deployment', deployment('d'));
    await w.store.create('replica', replica('d', 'd-0', { cell: 'east', tier: P, gpus: 8 }));
    w.run(new CapacityController(w.deps, { capacityUnavailableBackoffSeconds: 300, resyncSeconds: 3600, coalesceMs: 0 }));

    const handedBack = await waitFor('the replica handed back', async () => {
      const r = await w.store.get('replica', 'd-0', 'd');
      return r?.spec?.cell === '' ? r : undefined;
    }, 10_000, 50);
    expect(handedBack.spec?.tier).toBe(Tier.TIER_UNSPECIFIED);
    expect(handedBack.status?.reason).toBe('CapacityUnavailable');
  });
});
