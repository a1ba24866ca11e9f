import { NodePhase, ReplicaPhase, Tier } from '@helios/api';
import { waitFor } from '@helios/launcher';
import { NodeAgent } from '@helios/node-agent';
import { simulatedGpus } from '@helios/sim';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { cellWorld, logger, placedReplica, type CellWorld } from './testing/cell-world';

describe('NodeBinder in a cell agent', () => {
  let world: CellWorld | undefined;
  const agents: NodeAgent[] = [];
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.stop();
    await world?.close();
    world = undefined;
  });

  /** A node agent of c1 in pool `manual` (which has no NodePool: the cell agent launches nothing for it). */
  async function nodeAgent(w: CellWorld, name: string): Promise<NodeAgent> {
    const agent = new NodeAgent({ controlPlane: { addresses: [w.nodeApi.address], token: await w.tokens.next('c1'), channels: w.channels }, logger }, { pool: 'manual', nodeName: name, tier: Tier.TIER_ON_DEMAND, gpuType: 'h100', gpus: 8, leaseTtl: 2, inventory: { source: 'static', gpus: simulatedGpus(name, 'h100', 8) } });
    agents.push(agent);
    await agent.start();
    return agent;
  }

  it('binds only to Ready, uncordoned nodes with a live heartbeat, giving no GPU index twice', async () => {
    const w = (world = await cellWorld(inject('etcdEndpoint')));
    await w.apply();
    await nodeAgent(w, 'ready');
    await nodeAgent(w, 'draining');
    await nodeAgent(w, 'cordoned');
    const dead = await nodeAgent(w, 'dead');
    await w.store.mutate('node', 'draining', 'c1', (n) => ({ ...n, status: { ...n.status!, phase: NodePhase.NODE_PHASE_DRAINING, reason: 'Operator' } }));
    await w.store.mutate('node', 'cordoned', 'c1', (n) => ({ ...n, spec: { ...n.spec!, unschedulable: true } }));
    // Its heartbeat goes (its lease expires: a stopped agent renews it no more); the Node still
    // reads Ready until the lifecycle controller notices.
    await dead.stop();
    await waitFor('the dead node\'s heartbeat to expire', async () => (await w.client.kv.range({ key: Buffer.from(w.keys.heartbeat('c1', 'dead')) })).kvs.length === 0, 10_000, 50);
    w.agent();

    // 2 + 2 + 2 + 1 + 1 = 8 GPUs: exactly the one node that qualifies; one more 1-GPU replica waits.
    const sizes = [2, 2, 2, 1, 1, 1];
    for (const [i, gpus] of sizes.entries()) await w.store.create('replica', placedReplica('d', `r${i}`, gpus));
    const bound = await waitFor('eight GPUs bound', async () => {
      const replicas = (await w.store.list('replica', 'd')).items;
      return replicas.filter((r) => r.spec?.node).length === 5 && replicas.some((r) => r.status?.reason) && replicas;
    }, 15_000, 50);

    const onNodes = bound.filter((r) => r.spec?.node);
    expect(new Set(onNodes.map((r) => r.spec?.node))).toEqual(new Set(['ready']));
    expect(onNodes.every((r) => r.status?.phase === ReplicaPhase.REPLICA_PHASE_BOUND)).toBe(true);
    const indices = onNodes.flatMap((r) => r.spec!.gpuIndices);
    expect(indices.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const r of onNodes) expect(r.spec!.gpuIndices).toHaveLength(r.spec!.template!.gpus);
    const waiting = bound.find((r) => !r.spec?.node)!;
    expect(waiting.status).toMatchObject({ phase: ReplicaPhase.REPLICA_PHASE_PENDING, reason: 'InsufficientGpus' });
  });

  it('never binds a retired replica', async () => {
    const w = (world = await cellWorld(inject('etcdEndpoint')));
    await w.apply();
    await nodeAgent(w, 'ready');
    const retired = placedReplica('d', 'retired', 1);
    retired.metadata!.deletionTime = new Date().toISOString();
    await w.store.create('replica', retired);
    await w.store.create('replica', placedReplica('d', 'live', 1));
    w.agent();
    await waitFor('the live replica bound', async () => !!(await w.store.get('replica', 'live', 'd'))?.spec?.node, 15_000, 50);
    expect((await w.store.get('replica', 'retired', 'd'))?.spec?.node).toBe('');
  });
});
