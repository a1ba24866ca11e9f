import { Tier } from '@helios/api';
import { createLogger } from '@helios/config';
import { waitFor } from '@helios/launcher';
import { NodeChannels } from '@helios/node-client';
import { FakeControlPlane, type FakeNodeServer } from '@helios/node-client/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeAgent, type NodeAgentOptions } from './node-agent';
import { fixtureGpus } from './testing/fixture-gpus';

describe('NodeAgent', () => {
  const logger = createLogger('node-agent-test', 'silent');
  const agents: NodeAgent[] = [];
  let plane: FakeControlPlane;
  let server: FakeNodeServer;

  beforeAll(async () => {
    plane = new FakeControlPlane();
    server = await plane.serve();
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await plane.close();
  });

  /** An agent whose node reports fixtureGpus(nodeName, gpus) unless `over` gives an inventory. */
  const agent = (over: Partial<NodeAgentOptions> = {}, channels?: NodeChannels, token = plane.issueToken('c1')): NodeAgent => {
    const nodeName = over.nodeName ?? `n-${randomUUID().slice(0, 8)}`;
    const gpus = over.gpus ?? 8;
    const a = new NodeAgent(
      { controlPlane: { addresses: [server.address], token, channels }, logger },
      {
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

  it('joins with its bootstrap token, telling the control plane its pool, GPUs, address and the lease TTL it wants', async () => {
    const a = agent();
    await a.start();
    const node = plane.node(a.name)!;
    expect(a.cell).toBe('c1');
    expect(node.cell).toBe('c1');
    expect(node.facts).toMatchObject({ name: a.name, pool: 'h100', tier: Tier.TIER_ON_DEMAND, providerId: 'i-1', gpuType: 'h100', zone: 'z1', address: '127.0.0.1', leaseTtlSeconds: 2 });
    expect(node.facts.gpus).toEqual(fixtureGpus(a.name, 8));
    expect(a.leaseId).toBe(node.leaseId);
    await waitFor('a keep-alive', () => (plane.keepAlives.get(a.name) ?? 0) >= 1, 10_000);
  });

  it('stops keeping its lease alive when it stops, leaving etcd to expire it', async () => {
    const a = agent();
    await a.start();
    await waitFor('a keep-alive', () => (plane.keepAlives.get(a.name) ?? 0) >= 1, 10_000);
    await a.stop();
    const sent = plane.keepAlives.get(a.name);
    // Several keep-alive periods (ttl/3, under 700 ms) later, nothing more came.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(plane.keepAlives.get(a.name)).toBe(sent);
  });

  it('registers again with a new lease when etcd says its lease is gone', async () => {
    const a = agent();
    await a.start();
    const first = a.leaseId!;
    plane.expireLease(a.name);
    const second = await waitFor('a new lease', () => (a.leaseId && a.leaseId !== first ? a.leaseId : undefined), 10_000, 50);
    expect(plane.node(a.name)?.leaseId).toBe(second);
    expect(plane.calls.filter((c) => c.endsWith(a.name))).toEqual([`join ${a.name}`, `register ${a.name}`]);
  });

  it('reports a preemption notice as its Node status, with the GPUs it owns', async () => {
    const a = agent({ gpus: 4 });
    await a.start();
    await a.reportPreemption(new Date('2030-01-01T10:02:00Z'));
    expect(plane.node(a.name)?.nodeStatus).toMatchObject({ preemptionTime: '2030-01-01T10:02:00.000Z', allocatableGpus: 4, address: '127.0.0.1' });
  });

  it('runs many agents over one shared channel, each with its own credential and lease', async () => {
    const channels = new NodeChannels();
    const token = plane.issueToken('c1', 50);
    const many = Array.from({ length: 50 }, (_, i) => agent({ nodeName: `bulk-${i}`, gpus: 4 }, channels, token));
    await Promise.all(many.map((a) => a.start()));
    expect(new Set(many.map((a) => a.leaseId)).size).toBe(50);
    await waitFor('every node to keep its lease alive', () => many.every((a) => (plane.keepAlives.get(a.name) ?? 0) >= 1), 10_000);
    await Promise.all(many.map((a) => a.stop()));
    channels.close();
  });
});
