import { ReplicaPhase, Tier } from '@helios/api';
import { CellAgent } from '@helios/cell-agent';
import { waitFor } from '@helios/launcher';
import { POOL_CONDITIONS } from '@helios/replica-lifecycle';
import { cell, deployment, pool, replica } from '@helios/scheduling/testing';
import { inProcessFleet, SimProvider } from '@helios/sim';
import { LeasePool } from '@helios/store';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { CapacityController } from './capacity/capacity-controller';
import { PlacementController } from './placement/placement-controller';
import { controllerWorld, type ControllerWorld } from './testing/controller-world';

const P = Tier.TIER_PREEMPTIBLE;
const OD = Tier.TIER_ON_DEMAND;

describe('a stock-out, end to end: placement, planner and cell agent against etcd and the sim cloud', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('falls back to the next pool of the tier, then to the next tier, when pools run out of capacity', async () => {
    const w: ControllerWorld = await controllerWorld(inject('etcdEndpoint'));
    cleanups.push(() => w.close());
    // The cell agent's own lease (the nodes' leases are the node API's).
    const leases = new LeasePool(w.client, { streams: 1 });
    cleanups.push(() => leases.close());
    const sim = new SimProvider({ launchLatencyMs: 0 });
    const { fleet: nodes, close } = await inProcessFleet({ client: w.client, keys: w.keys, store: w.store, logger: w.deps.logger }, sim, { nodeLeaseTtl: 2 });
    nodes.start();
    cleanups.push(async () => {
      await close();
      sim.close();
    });

    // Both preemptible pools are out of stock; on-demand is not.
    sim.setCapacity({ pool: 'spot-a' }, 0);
    sim.setCapacity({ pool: 'spot-b' }, 0);
    await w.store.create('cell', cell('c1'));
    await w.store.create('nodePool', pool('c1', 'spot-a', { tier: P, max: 4, price: 20 }));
    await w.store.create('nodePool', pool('c1', 'spot-b', { tier: P, max: 4, price: 28 }));
    await w.store.create('nodePool', pool('c1', 'od', { tier: OD, max: 4, price: 80 }));
    await w.store.create('deployment', deployment('d', { gpus: 8 }));
    await w.store.create('replica', replica('d', 'd-0', { gpus: 8 }));

    w.run(new PlacementController(w.deps, { capacityUnavailableBackoffSeconds: 300, retryUnplaceableMs: 200 }));
    w.run(new CapacityController(w.deps, { capacityUnavailableBackoffSeconds: 300, scaleDownCooldownSeconds: 300, resyncSeconds: 60 }));
    const agent = new CellAgent({ client: w.client, keys: w.keys, provider: sim, leases, store: w.store, logger: w.deps.logger }, { cell: 'c1', id: 'agent', leaseTtl: 2 });
    agent.start();
    cleanups.push(() => agent.stop());

    const bound = await waitFor('the replica bound', async () => {
      const r = await w.store.get('replica', 'd-0', 'd');
      return r?.status?.phase === ReplicaPhase.REPLICA_PHASE_BOUND && r;
    }, 30_000, 50);
    expect(bound.spec?.tier).toBe(OD);
    expect((await w.store.get('node', bound.spec!.node, 'c1'))?.spec?.pool).toBe('od');

    // The cheapest preemptible pool was tried first, then the next one, then on-demand.
    const tried = sim.calls.flatMap((c) => (c.method === 'launch' ? [c.request.template.pool] : []));
    expect([...new Set(tried)]).toEqual(['spot-a', 'spot-b', 'od']);
    for (const name of ['spot-a', 'spot-b']) {
      const condition = (await w.store.get('nodePool', name, 'c1'))?.status?.conditions.find((c) => c.type === POOL_CONDITIONS.capacityUnavailable);
      expect(condition).toMatchObject({ status: 'True', reason: 'InsufficientCapacity' });
    }
    expect(await sim.list('c1')).toHaveLength(1);
  });
});
