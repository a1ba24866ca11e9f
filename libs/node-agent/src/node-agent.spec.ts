import { Node, NodePhase, Tier } from '@helios/api';
import { createLogger } from '@helios/config';
import { waitFor } from '@helios/launcher';
import { Keys, LeasePool, ResourceStore, connectEtcd, type Etcd3 } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NodeAgent, type NodeAgentOptions } from './node-agent';
import { fixtureGpus } from './testing/fixture-gpus';

describe('NodeAgent', () => {
  let client: Etcd3;
  let leases: LeasePool;
  let keys: Keys;
  let store: ResourceStore;
  const logger = createLogger('node-agent-test', 'silent');
  const agents: NodeAgent[] = [];

  beforeAll(() => {
    client = connectEtcd(inject('etcdEndpoint'));
    leases = new LeasePool(client, { streams: 2 });
    keys = new Keys(`/t/${randomUUID()}/helios/v1`);
    store = new ResourceStore(client, keys);
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    leases.close();
    client.close();
  });

  /** An agent whose node reports fixtureGpus(nodeName, gpus) unless `over` gives an inventory. */
  const agent = (over: Partial<NodeAgentOptions> = {}): NodeAgent => {
    const nodeName = over.nodeName ?? `n-${randomUUID().slice(0, 8)}`;
    const gpus = over.gpus ?? 8;
    const a = new NodeAgent(
      { client, keys, leases, store, logger },
      {
        cell: 'c1',
        pool: 'h100',
        tier: Tier.TIER_ON_DEMAND,
        gpuType: 'h100',
        providerId: 'i-1',
        zone: 'z1',
        leaseTtl: 2,
        ...over,
        nodeName,
        gpus,
        inventory: over.inventory ?? { source: 'static', gpus: fixtureGpus(nodeName, gpus) },
      },
    );
    agents.push(a);
    return a;
  };

  /** The heartbeat key's lease id, or undefined when the key is absent. */
  const heartbeatLease = async (node: string): Promise<string | undefined> => {
    const res = await client.kv.range({ key: Buffer.from(keys.heartbeat('c1', node)) });
    return res.kvs[0]?.lease;
  };

  it('registers its Node Ready with its GPUs and puts its heartbeat on its lease', async () => {
    const a = agent();
    await a.start();
    const node = await store.get('node', a.name, 'c1');
    expect(node?.spec).toMatchObject({ cell: 'c1', pool: 'h100', tier: Tier.TIER_ON_DEMAND, providerId: 'i-1', gpuType: 'h100', gpus: 8, zone: 'z1' });
    expect(node?.status).toMatchObject({ phase: NodePhase.NODE_PHASE_READY, allocatableGpus: 8, address: '127.0.0.1' });
    expect(node?.status?.gpus).toEqual(fixtureGpus(a.name, 8));
    expect(node?.status?.leaseId).toBe(a.leaseId);
    expect(await heartbeatLease(a.name)).toBe(a.leaseId);
  });

  it('removes its heartbeat at once on stop and leaves the Node to the controllers', async () => {
    const a = agent();
    await a.start();
    await a.stop();
    expect(await heartbeatLease(a.name)).toBeUndefined();
    expect((await store.get('node', a.name, 'c1'))?.status?.phase).toBe(NodePhase.NODE_PHASE_READY);
  });

  it('updates an existing Node, keeping the cordon and a Draining phase others decided', async () => {
    const name = `n-${randomUUID().slice(0, 8)}`;
    await store.create(
      'node',
      Node.fromPartial({
        metadata: { name, uid: 'u-1', generation: 1 },
        spec: { cell: 'c1', pool: 'old', unschedulable: true },
        status: { phase: NodePhase.NODE_PHASE_DRAINING, reason: 'Preempted' },
      }),
    );
    const a = agent({ nodeName: name, gpus: 2, inventory: { source: 'static', gpus: fixtureGpus(name, 2) } });
    await a.start();
    const node = await store.get('node', name, 'c1');
    expect(node?.metadata?.uid).toBe('u-1');
    expect(node?.spec).toMatchObject({ pool: 'h100', unschedulable: true, gpus: 2 });
    expect(node?.status).toMatchObject({ phase: NodePhase.NODE_PHASE_DRAINING, reason: 'Preempted', allocatableGpus: 2 });
  });

  it('turns a NotReady Node back to Ready when it starts', async () => {
    const name = `n-${randomUUID().slice(0, 8)}`;
    await store.create('node', Node.fromPartial({ metadata: { name }, spec: { cell: 'c1' }, status: { phase: NodePhase.NODE_PHASE_NOT_READY, reason: 'HeartbeatLost' } }));
    const a = agent({ nodeName: name });
    await a.start();
    expect((await store.get('node', name, 'c1'))?.status).toMatchObject({ phase: NodePhase.NODE_PHASE_READY, reason: '' });
  });

  it('re-registers with a new lease when its lease is lost', async () => {
    const a = agent();
    await a.start();
    const first = a.leaseId!;
    // etcd revokes the lease underneath the agent, as an expiry after a partition would.
    await client.leaseClient.leaseRevoke({ ID: first });
    const second = await waitFor('a new lease', () => (a.leaseId && a.leaseId !== first ? a.leaseId : undefined), 10_000, 50);
    await waitFor('the heartbeat on the new lease', async () => (await heartbeatLease(a.name)) === second, 10_000, 50);
    const node = await store.get('node', a.name, 'c1');
    expect(node?.status?.leaseId).toBe(second);
    expect(node?.status?.phase).toBe(NodePhase.NODE_PHASE_READY);
  });

  it('runs many agents over one lease pool', async () => {
    const many = Array.from({ length: 50 }, (_, i) => agent({ nodeName: `bulk-${i}`, gpus: 4 }));
    await Promise.all(many.map((a) => a.start()));
    const res = await client.kv.range({ key: Buffer.from(keys.heartbeats('c1') + 'bulk-'), range_end: Buffer.from(keys.heartbeats('c1') + 'bulk.') });
    expect(res.kvs).toHaveLength(50);
    await Promise.all(many.map((a) => a.stop()));
    const after = await client.kv.range({ key: Buffer.from(keys.heartbeats('c1') + 'bulk-'), range_end: Buffer.from(keys.heartbeats('c1') + 'bulk.') });
    expect(after.kvs).toHaveLength(0);
  });
});
