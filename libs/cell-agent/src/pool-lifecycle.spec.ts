import { NodePhase, ReplicaPhase, Tier } from '@helios/api';
import { waitFor } from '@helios/launcher';
import { NODE_REASONS } from '@helios/replica-lifecycle';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { cellWorld, placedReplica, poolOf, type CellWorld } from './testing/cell-world';

const OD = Tier.TIER_ON_DEMAND;
const P = Tier.TIER_PREEMPTIBLE;

describe('PoolReconciler following the planner', () => {
  let world: CellWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  const boundNodes = async (w: CellWorld, deployment: string) =>
    new Set((await w.store.list('replica', deployment)).items.filter((r) => r.status?.phase === ReplicaPhase.REPLICA_PHASE_BOUND).map((r) => r.spec!.node));

  it('scales down to desired by giving back idle nodes only', async () => {
    const w = (world = await cellWorld(inject('etcdEndpoint')));
    await w.apply(poolOf('od', OD, { max: 4 }));
    await w.setDesired('od', 3);
    w.agent();
    await waitFor('3 ready', async () => (await w.readyNodes('od')).length === 3, 20_000, 50);
    await w.store.create('replica', placedReplica('d', 'a', 8));
    await w.store.create('replica', placedReplica('d', 'b', 8));
    const busy = await waitFor('two nodes busy', async () => {
      const nodes = await boundNodes(w, 'd');
      return nodes.size === 2 && nodes;
    }, 20_000, 50);

    // Status and gauges count what replicas hold: 16 of the 24 GPUs.
    const gpus = { tier: OD, gpuType: 'h100', provisioned: 24, allocated: 16, free: 8, unhealthy: 0 };
    await waitFor('pool status GPUs', async () => (await w.store.get('nodePool', 'od', 'c1'))?.status?.gpus[0]?.allocated === 16, 20_000, 50);
    expect((await w.store.get('nodePool', 'od', 'c1'))?.status?.gpus).toEqual([gpus]);
    await waitFor('cell status GPUs', async () => (await w.store.get('cell', 'c1'))?.status?.gpus[0]?.allocated === 16, 20_000, 50);
    expect((await w.store.get('cell', 'c1'))?.status?.gpus).toEqual([gpus]);
    const gauge = async (name: string, labels: Record<string, string>) =>
      (await w.metrics.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
    expect(await gauge('helios_pool_gpus', { cell: 'c1', pool: 'od', tier: 'on-demand', state: 'allocated' })).toBe(16);
    expect(await gauge('helios_pool_gpus', { cell: 'c1', pool: 'od', tier: 'on-demand', state: 'free' })).toBe(8);
    expect(await gauge('helios_cell_gpus', { cell: 'c1', tier: 'on-demand', state: 'allocated' })).toBe(16);
    expect(await gauge('helios_cell_gpus', { cell: 'c1', tier: 'reserved', state: 'free' })).toBe(0);

    // The planner asks for 1, but two nodes hold replicas: only the idle one goes.
    await w.setDesired('od', 1);
    await waitFor('the idle instance gone', async () => (await w.provider.list('c1', 'od')).length === 2, 20_000, 50);
    await waitFor('its Node removed', async () => (await w.store.list('node', 'c1')).items.length === 2, 20_000, 50);
    expect(new Set((await w.store.list('node', 'c1')).items.map((n) => n.metadata!.name))).toEqual(busy);
    expect(await boundNodes(w, 'd')).toEqual(busy);
    const terminated = w.provider.calls.filter((c) => c.method === 'terminate');
    expect(terminated.flatMap((c) => (c.method === 'terminate' ? c.instanceIds : []))).toHaveLength(1);
  });

  it('on a preemption notice drains the node, retires its replicas, launches the replacement at once and gives the node back once empty', async () => {
    const w = (world = await cellWorld(inject('etcdEndpoint')));
    await w.apply(poolOf('spot', P, { max: 4 }));
    await w.setDesired('spot', 1);
    w.agent();
    await waitFor('1 ready', async () => (await w.readyNodes('spot')).length === 1, 20_000, 50);
    await w.store.create('replica', placedReplica('d', 'r', 4, P));
    const [node] = await waitFor('bound', async () => {
      const nodes = await boundNodes(w, 'd');
      return nodes.size === 1 && [...nodes];
    }, 20_000, 50);
    const [instance] = await w.provider.list('c1', 'spot');
    const before = (await w.store.get('nodePool', 'spot', 'c1'))!.status?.lastScaleUpTime;

    const notice = w.provider.preempt(instance!.id, 120_000);
    const drained = await waitFor('the node Draining', async () => {
      const n = await w.store.get('node', node!, 'c1');
      return n?.status?.phase === NodePhase.NODE_PHASE_DRAINING && n;
    }, 20_000, 50);
    expect(drained.status).toMatchObject({ reason: NODE_REASONS.preempted, preemptionTime: notice.deadline.toISOString() });
    const retired = await waitFor('the replica retired', async () => {
      const r = await w.store.get('replica', 'r', 'd');
      return r?.metadata?.deletionTime ? r : undefined;
    }, 20_000, 50);
    expect(retired.status?.reason).toBe('NodePreempted');
    // Replacement capacity now, well before the 2-minute deadline: a second instance, and a new scale-up time.
    await waitFor('a replacement Ready', async () => (await w.readyNodes('spot')).some((n) => n !== node), 20_000, 50);
    expect((await w.store.get('nodePool', 'spot', 'c1'))!.status?.lastScaleUpTime).not.toBe(before);

    // Once the retired replica is gone (stopped by its node agent), the drained node is given back early.
    await w.store.delete('replica', 'r', 'd');
    await waitFor('the preempted instance terminated', async () => w.provider.describe(instance!.id)?.state === 'terminated', 20_000, 50);
    expect(w.provider.calls.some((c) => c.method === 'terminate' && c.instanceIds.includes(instance!.id))).toBe(true);
  });

  it('terminates tagged instances etcd does not know once their grace period is over', async () => {
    // No node agents boot: instances stay unregistered.
    const w = (world = await cellWorld(inject('etcdEndpoint'), { launchLatencyMs: 0 }, false));
    await w.apply(poolOf('od', OD, { max: 4 }));
    const cell = (await w.store.get('cell', 'c1'))!;
    const [leaked] = await w.provider.launch({
      template: { cell: 'c1', pool: 'od', region: cell.spec!.region, zone: 'sim-1a', instanceType: 'h100x8', gpuType: 'h100', gpusPerNode: 8, tier: OD },
      count: 1,
      token: 'leaked-by-a-crashed-launcher',
      nodeNames: ['od-leaked'],
    });
    w.agent({ unknownInstanceGraceMs: 300, resyncMs: 200 });
    await waitFor('the unknown instance terminated', async () => w.provider.describe(leaked!.id)?.state === 'terminated', 20_000, 50);
    expect(w.provider.calls.filter((c) => c.method === 'launch')).toHaveLength(1);
  });
});
