import { Tier, type Replica } from '@helios/api';
import { waitFor } from '@helios/launcher';
import { cell, deployment, pool, replica } from '@helios/scheduling/testing';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { PlacementController } from './placement-controller';
import { controllerWorld, type ControllerWorld } from '../testing/controller-world';

const R = Tier.TIER_RESERVED;
const P = Tier.TIER_PREEMPTIBLE;
const OD = Tier.TIER_ON_DEMAND;

describe('PlacementController against etcd', () => {
  let world: ControllerWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  /** A world with cell east (Ready) and its reserved (max 1), preemptible and on-demand pools, and the controller running. */
  async function east(): Promise<ControllerWorld> {
    const w = await controllerWorld(inject('etcdEndpoint'));
    world = w;
    await w.store.create('cell', cell('east'));
    await w.store.create('nodePool', pool('east', 'res', { tier: R, max: 1, price: 40 }));
    await w.store.create('nodePool', pool('east', 'spot', { tier: P, max: 4, price: 20 }));
    await w.store.create('nodePool', pool('east', 'od', { tier: OD, max: 4, price: 80 }));
    w.run(new PlacementController(w.deps, { capacityUnavailableBackoffSeconds: 300 }));
    return w;
  }

  const replicasOf = async (w: ControllerWorld, d: string): Promise<Replica[]> => (await w.store.list('replica', d)).items;
  const tiersOf = (replicas: Replica[]) => replicas.map((r) => r.spec?.tier).sort();

  it('places pending replicas in cost order within the tiers the policy allows', async () => {
    const w = await east();
    await w.store.create('deployment', deployment('d1', { replicas: 4, gpus: 8, allowed: [R, OD] }));
    for (let i = 0; i < 4; i++) await w.store.create('replica', replica('d1', `d1-${i}`, { gpus: 8 }));

    const placed = await waitFor('all four placed', async () => {
      const replicas = await replicasOf(w, 'd1');
      return replicas.every((r) => r.spec?.cell === 'east') && replicas;
    }, 10_000, 50);
    // Reserved (already paid) holds one node; preemptible is not allowed, so the rest is on-demand.
    expect(tiersOf(placed)).toEqual([R, OD, OD, OD]);
  });

  it('keeps the preemptible share within maxPreemptiblePercent', async () => {
    const w = await east();
    await w.store.create('deployment', deployment('d2', { replicas: 4, gpus: 8, maxPreemptiblePercent: 50 }));
    for (let i = 0; i < 4; i++) await w.store.create('replica', replica('d2', `d2-${i}`, { gpus: 8 }));

    const placed = await waitFor('all four placed', async () => {
      const replicas = await replicasOf(w, 'd2');
      return replicas.every((r) => r.spec?.cell === 'east') && replicas;
    }, 10_000, 50);
    // floor(50 % of 4) = 2 preemptible; reserved first, on-demand for the one left.
    expect(tiersOf(placed)).toEqual([R, OD, P, P]);
  });

  it('records why a replica cannot be placed, and leaves retired replicas alone', async () => {
    const w = await east();
    await w.store.create('deployment', deployment('d3', { replicas: 1, gpus: 1, gpuType: 'a100' }));
    await w.store.create('replica', replica('d3', 'd3-0', { gpus: 1, gpuType: 'a100' }));
    await w.store.create('deployment', deployment('d4', { replicas: 1, gpus: 1 }));
    const retired = replica('d4', 'd4-0', { gpus: 1 });
    retired.metadata!.deletionTime = new Date().toISOString();
    await w.store.create('replica', retired);
    await w.store.create('replica', replica('d4', 'd4-1', { gpus: 1 }));

    const unplaced = await waitFor('the a100 replica marked', async () => {
      const r = await w.store.get('replica', 'd3-0', 'd3');
      return r?.status?.reason ? r : undefined;
    }, 10_000, 50);
    expect(unplaced.status).toMatchObject({ reason: 'NoCapacity' });
    expect(unplaced.status?.message).toContain('a100');
    expect(unplaced.spec?.cell).toBe('');

    await waitFor('the live d4 replica placed', async () => (await w.store.get('replica', 'd4-1', 'd4'))?.spec?.cell === 'east', 10_000, 50);
    expect((await w.store.get('replica', 'd4-0', 'd4'))?.spec?.cell).toBe('');
  });
});
