import { Node, NodePhase, Tier } from '@helios/api';
import { createLogger } from '@helios/config';
import type { PreemptionNotice } from '@helios/instance-metadata';
import { NODE_REASONS } from '@helios/replica-lifecycle';
import { Keys, ResourceStore, connectEtcd, type Etcd3 } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PreemptionSource } from './preemption-source';
import { PreemptionWatcher } from './preemption-watcher';

const logger = createLogger('preemption-test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** A metadata service that has no notice until `announce`, and fails reads while `broken`. */
class ScriptedSource implements PreemptionSource {
  notice: PreemptionNotice | undefined;
  broken = false;
  reads = 0;
  async preemptionNotice(): Promise<PreemptionNotice | undefined> {
    this.reads += 1;
    if (this.broken) throw new Error('metadata service timed out');
    return this.notice;
  }
}

describe('PreemptionWatcher', () => {
  let client: Etcd3;
  beforeAll(() => {
    client = connectEtcd(inject('etcdEndpoint'));
  });
  afterAll(() => client.close());

  it('marks its Node Draining with the notice deadline, after riding out a failed read', async () => {
    const store = new ResourceStore(client, new Keys(`/t/${randomUUID()}/helios/v1`));
    await store.create('node', Node.fromPartial({ metadata: { name: 'n1' }, spec: { cell: 'c1', pool: 'spot', tier: Tier.TIER_PREEMPTIBLE }, status: { phase: NodePhase.NODE_PHASE_READY } }));
    const source = new ScriptedSource();
    const now = new Date('2030-01-01T10:00:00Z');
    const watcher = new PreemptionWatcher({ store, source, logger, now: () => now }, { cell: 'c1', node: 'n1', pollMs: 10 });

    expect(await watcher.pollOnce()).toBe(false);
    source.broken = true;
    await expect(watcher.pollOnce()).rejects.toThrow('metadata service timed out');
    source.broken = false;
    source.notice = { instanceId: 'i-1', node: 'n1', deadline: new Date('2030-01-01T10:02:00Z') };
    expect(await watcher.pollOnce()).toBe(true);

    const node = await store.get('node', 'n1', 'c1');
    expect(node?.status).toMatchObject({
      phase: NodePhase.NODE_PHASE_DRAINING,
      reason: NODE_REASONS.preempted,
      preemptionTime: '2030-01-01T10:02:00.000Z',
      lastTransitionTime: '2030-01-01T10:00:00.000Z',
    });
    // A repeated notice changes nothing.
    const rv = node!.metadata!.resourceVersion;
    expect(await watcher.pollOnce()).toBe(true);
    expect((await store.get('node', 'n1', 'c1'))!.metadata!.resourceVersion).toBe(rv);
  });

  it('polls on its own until the notice comes', async () => {
    const store = new ResourceStore(client, new Keys(`/t/${randomUUID()}/helios/v1`));
    await store.create('node', Node.fromPartial({ metadata: { name: 'n1' }, spec: { cell: 'c1' }, status: { phase: NodePhase.NODE_PHASE_READY } }));
    const source = new ScriptedSource();
    const watcher = new PreemptionWatcher({ store, source, logger }, { cell: 'c1', node: 'n1', pollMs: 5 });
    watcher.start();
    const deadline = Date.now() + 10_000;
    while (source.reads < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    source.notice = { instanceId: 'i-1', node: 'n1', deadline: new Date(Date.now() + 30_000) };
    while (!watcher.notice && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    await watcher.stop();
    expect(watcher.notice).toBeDefined();
    expect((await store.get('node', 'n1', 'c1'))?.status?.phase).toBe(NodePhase.NODE_PHASE_DRAINING);
  });
});
