import { Cell } from '@helios/api';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { connectEtcd } from './connect';
import { FencedError } from './errors';
import { Keys } from './keys';
import { LeaderElection } from './leader-election';
import { LeasePool } from './lease-pool';
import { ResourceStore } from './resource-store';
import { waitFor } from '@helios/launcher';

const client = connectEtcd(inject('etcdEndpoint'));
afterAll(() => client.close());

describe('LeaderElection', () => {
  let keys: Keys;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeEach(() => {
    keys = new Keys(`/t/${randomUUID()}/helios/v1`);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function candidate(id: string, leases?: LeasePool): LeaderElection {
    const election = new LeaderElection(client, keys, 'control-plane', id, { ttl: 2, leases });
    cleanups.push(() => election.resign().catch(() => undefined));
    return election;
  }

  async function holder(): Promise<string | undefined> {
    return (await client.get(keys.election('control-plane')).string()) ?? undefined;
  }

  it('elects the first candidate; the second waits and takes over when the first resigns', async () => {
    const a = candidate('a');
    const b = candidate('b');
    const elected: string[] = [];
    a.on('elected', () => elected.push('a'));
    b.on('elected', () => elected.push('b'));
    await a.campaign();
    expect(a.isLeader).toBe(true);
    expect(await holder()).toBe('a');

    expect(b.state).toBe('idle');
    const bCampaign = b.campaign();
    // b found a's key and watches it: it must not lead while a holds it.
    await waitFor('b to stand by', () => b.state === 'standby');
    expect(b.isLeader).toBe(false);
    expect(await holder()).toBe('a');

    await a.resign();
    expect(a.isLeader).toBe(false);
    await bCampaign;
    expect(b.isLeader).toBe(true);
    expect(b.state).toBe('leader');
    expect(await holder()).toBe('b');
    expect(elected).toEqual(['a', 'b']);
    expect(b.fence().createRevision).not.toBe(0);
    expect(() => a.fence()).toThrow(/not the leader/);
  });

  it('hands over when the leader dies (its lease is no longer renewed) and fences off its writes', async () => {
    const deadPool = new LeasePool(client, { streams: 1 });
    cleanups.push(() => deadPool.close());
    const a = candidate('a', deadPool);
    const b = candidate('b');
    const store = new ResourceStore(client, keys);
    await a.campaign();
    const staleFence = a.fence();
    const bCampaign = b.campaign();
    await waitFor('b to stand by', () => b.state === 'standby');

    // a's process stops renewing, as a crash would; etcd expires its lease after the TTL.
    deadPool.close();
    await bCampaign;
    expect(b.isLeader).toBe(true);
    expect(await holder()).toBe('b');
    // a notices its key is gone and steps down by itself.
    await waitFor('a to step down', () => !a.isLeader);
    await expect(store.create('cell', Cell.fromPartial({ metadata: { name: 'c1' } }), { fence: staleFence })).rejects.toBeInstanceOf(FencedError);
    await expect(store.create('cell', Cell.fromPartial({ metadata: { name: 'c1' } }), { fence: b.fence() })).resolves.toBeDefined();
  });

  it("emits 'lost' and drops leadership when its lease is revoked or its key deleted", async () => {
    const a = candidate('a');
    const lost: Error[] = [];
    a.on('lost', (reason) => lost.push(reason!));
    await a.campaign();
    const kv = (await client.get(keys.election('control-plane')).exec()).kvs[0]!;
    await client.leaseClient.leaseRevoke({ ID: kv.lease });
    await waitFor("'lost'", () => lost.length > 0, 10_000);
    expect(a.isLeader).toBe(false);
    expect(() => a.fence()).toThrow();

    // It can stand again.
    await a.campaign();
    expect(a.isLeader).toBe(true);
    await client.delete().key(keys.election('control-plane')).exec();
    await waitFor("a second 'lost'", () => lost.length > 1, 10_000);
    expect(a.isLeader).toBe(false);
  });

  it('resign() cancels a pending campaign', async () => {
    const a = candidate('a');
    const b = candidate('b');
    await a.campaign();
    const outcome = b.campaign().then(
      () => 'elected',
      (err: Error) => err.message,
    );
    await waitFor('b to stand by', () => b.state === 'standby');
    await b.resign();
    expect(await outcome).toMatch(/cancelled by resign/);
    expect(b.state).toBe('idle');
    expect(a.isLeader).toBe(true);
  });
});
