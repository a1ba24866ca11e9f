import { randomUUID } from 'node:crypto';
import { Cell } from '@helios/api';
import { waitFor } from '@helios/launcher';
import { connectEtcd, FencedError, Keys, ResourceStore, type Etcd3 } from '@helios/store';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningControlPlane } from '../control-plane';
import { bootControlPlane } from '../testing/boot';
import { ControlPlaneLeadership } from './control-plane-leadership';

const endpoint = inject('etcdEndpoint');
let etcd: Etcd3;
const running: RunningControlPlane[] = [];

beforeAll(() => {
  etcd = connectEtcd(endpoint);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((cp) => cp.close()));
});

afterAll(() => {
  etcd.close();
});

async function boot(root: string, id: string): Promise<RunningControlPlane> {
  const cp = await bootControlPlane(endpoint, { root, id, leaseTtl: 2 });
  running.push(cp);
  return cp;
}

const leadershipOf = (cp: RunningControlPlane) => cp.app.get(ControlPlaneLeadership);

async function isLeaderGauge(cp: RunningControlPlane): Promise<string | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${cp.metricsPort}/metrics`)).text();
  return /^helios_control_plane_is_leader (\d)$/m.exec(text)?.[1];
}

describe('control-plane leadership', () => {
  it('one replica leads, the other stands by and takes over when the first stops', async () => {
    const root = `/t/${randomUUID()}/helios/v1`;
    const a = await boot(root, 'cp-a');
    await waitFor('cp-a to lead', () => leadershipOf(a).election.isLeader);
    const b = await boot(root, 'cp-b');
    await waitFor('cp-b to stand by', async () => (await isLeaderGauge(b)) === '0' && leadershipOf(a).registry.running);
    expect(leadershipOf(b).election.isLeader).toBe(false);
    expect(leadershipOf(b).registry.running).toBe(false);
    expect(await isLeaderGauge(a)).toBe('1');
    expect(await (await fetch(`http://127.0.0.1:${b.metricsPort}/healthz`)).json()).toEqual({ status: 'ok', id: 'cp-b', leader: false });

    // cp-a shuts down (resigning): cp-b takes over and runs the controllers.
    running.splice(running.indexOf(a), 1);
    await a.close();
    await waitFor('cp-b to lead', () => leadershipOf(b).election.isLeader && leadershipOf(b).registry.running);
    expect(await isLeaderGauge(b)).toBe('1');
    const holder = await etcd.get(new Keys(root).election('control-plane')).string();
    expect(holder).toBe('cp-b');
  });

  it("refuses a deposed leader's fenced write", async () => {
    const root = `/t/${randomUUID()}/helios/v1`;
    const keys = new Keys(root);
    const store = new ResourceStore(etcd, keys);
    await store.create('cell', Cell.fromPartial({ metadata: { name: 'c1' }, spec: { provider: 'sim' } }));
    const a = await boot(root, 'cp-a');
    await waitFor('cp-a to lead', () => leadershipOf(a).election.isLeader);
    const b = await boot(root, 'cp-b');
    const fenceOfA = leadershipOf(a).election.fence();

    // The election key vanishes as if cp-a's lease expired (a long GC pause, a partition), and a
    // new term begins (cp-b, or cp-a again: either way a new election key) while cp-a's old
    // fence is still in its hands.
    await etcd.delete().key(keys.election('control-plane'));
    const leader = await waitFor('a new term', async () => {
      const kv = (await etcd.get(keys.election('control-plane')).exec()).kvs[0];
      const current = [a, b].find((cp) => leadershipOf(cp).election.isLeader);
      return kv && Number(kv.create_revision) !== fenceOfA.createRevision && current ? current : undefined;
    });

    const write = store.mutate('cell', 'c1', undefined, (cell) => ({ ...cell, metadata: { ...cell.metadata!, labels: { by: 'old-term' } } }), { fence: fenceOfA });
    await expect(write).rejects.toBeInstanceOf(FencedError);
    expect((await store.get('cell', 'c1'))?.metadata?.labels).toEqual({});

    const fresh = leadershipOf(leader).election.fence();
    const written = await store.mutate('cell', 'c1', undefined, (c) => ({ ...c, metadata: { ...c.metadata!, labels: { by: 'new-term' } } }), { fence: fresh });
    expect(written.metadata?.labels).toEqual({ by: 'new-term' });
    // Exactly one of the two leads, and only the leader runs controllers.
    await waitFor('one running registry', () => [a, b].filter((cp) => leadershipOf(cp).registry.running).length === 1);
    expect([a, b].filter((cp) => leadershipOf(cp).election.isLeader)).toEqual([leader]);
  });
});
