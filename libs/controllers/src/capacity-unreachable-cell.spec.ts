import { ReplicaPhase, Tier } from '@helios/api';
import { waitFor } from '@helios/launcher';
import { cell, deployment, pool, replica } from '@helios/scheduling/testing';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { CapacityController } from './capacity/capacity-controller';
import { CellLivenessController } from './cell-liveness/cell-liveness-controller';
import { PlacementController } from './placement/placement-controller';
import { controllerWorld } from './testing/controller-world';

const OD = Tier.TIER_ON_DEMAND;

describe('a cell whose agent is gone: its waiting replicas are placed in other cells', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('hands back the Pending replicas of an Unreachable cell after the grace, and leaves its running ones', async () => {
    const w = await controllerWorld(inject('etcdEndpoint'));
    cleanups.push(() => w.close());
    // Both cells' agents hold their keys on leases, as cell agents do.
    const agentLeases = ['north', 'south'].map((name) => {
      const lease = w.client.lease(2, { autoKeepAlive: true });
      cleanups.push(() => lease.revoke().catch(() => undefined));
      return { name, lease };
    });
    for (const { name, lease } of agentLeases) await lease.put(w.keys.agent(name)).value(`agent-${name}`);
    await w.store.create('cell', cell('north'));
    await w.store.create('cell', cell('south'));
    await w.store.create('nodePool', pool('north', 'n-od', { tier: OD, max: 4, price: 10 }));
    await w.store.create('nodePool', pool('south', 's-od', { tier: OD, max: 4, price: 90 }));
    await w.store.create('deployment', deployment('web', { gpus: 1 }));
    // r-run runs on a north node; r-wait waits there for a node.
    await w.store.create('replica', replica('web', 'r-run', { cell: 'north', node: 'n1', tier: OD, indices: [0], phase: ReplicaPhase.REPLICA_PHASE_READY }));
    await w.store.create('replica', replica('web', 'r-wait', { cell: 'north', tier: OD }));

    w.run(new CellLivenessController(w.deps));
    w.run(new CapacityController(w.deps, { cellUnreachableGraceSeconds: 1, resyncSeconds: 60 }));
    w.run(new PlacementController(w.deps, { retryUnplaceableMs: 200 }));

    // While the north agent lives, nothing moves (north is the cheaper cell).
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await w.store.get('replica', 'r-wait', 'web'))?.spec?.cell).toBe('north');

    await agentLeases[0]!.lease.revoke();
    const lostAt = Date.now();
    const moved = await waitFor('r-wait placed in south', async () => {
      const r = await w.store.get('replica', 'r-wait', 'web');
      return r?.spec?.cell === 'south' && r;
    }, 20_000, 50);
    // Unreachable needs the key gone (at once on revoke), then the 1 s grace.
    expect(Date.now() - lostAt).toBeGreaterThanOrEqual(1_000);
    expect(moved.spec?.tier).toBe(OD);

    const running = await w.store.get('replica', 'r-run', 'web');
    expect(running?.spec).toMatchObject({ cell: 'north', node: 'n1' });
    expect(running?.status?.phase).toBe(ReplicaPhase.REPLICA_PHASE_READY);
  });
});
