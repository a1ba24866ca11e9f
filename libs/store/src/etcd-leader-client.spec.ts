// spec-project: e2e
import { startEtcdCluster, type EtcdCluster } from '@helios/etcd-process';
import { waitFor } from '@helios/launcher';
import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEtcd } from './connect';
import { EtcdLeaderClient } from './etcd-leader-client';
import { LeaseRenewer } from './lease-renewer';

/** The member id a client's calls land on. */
async function memberOf(client: Etcd3): Promise<string> {
  return (await client.maintenance.status()).header.member_id;
}

describe('EtcdLeaderClient against a three-member etcd', () => {
  let cluster: EtcdCluster;
  let client: Etcd3;
  const opened: Etcd3[] = [];
  const connect = (url: string) => {
    const c = connectEtcd(url);
    opened.push(c);
    return c;
  };

  beforeAll(async () => {
    cluster = await startEtcdCluster({ members: 3 });
    client = connectEtcd(cluster.endpoints);
  }, 60_000);
  afterAll(async () => {
    client?.close();
    for (const c of opened) c.close();
    await cluster?.stop();
  });

  it('answers a client of the leader, and of the new leader after a leader move', async () => {
    const leader = new EtcdLeaderClient(client, { connect, recheckMs: 0 });
    try {
      expect(await memberOf(await leader.current())).toBe((await cluster.leader()).id);
      const moved = await cluster.moveLeader();
      expect(await memberOf(await leader.current())).toBe(moved.id);
    } finally {
      leader.close();
    }
  });

  it('answers the ordinary client when no member can say who leads', async () => {
    const nowhere = connectEtcd('http://127.0.0.1:1');
    const leader = new EtcdLeaderClient(nowhere, { connect, lookupTimeoutMs: 500 });
    try {
      expect(await leader.current()).toBe(nowhere);
    } finally {
      leader.close();
      nowhere.close();
    }
  });

  it('keeps renewing through a leader move, with its streams moved to the new leader', async () => {
    const leader = new EtcdLeaderClient(client, { connect, recheckMs: 200 });
    const renewer = new LeaseRenewer(client, { streams: 2, leader });
    try {
      const { ID } = await client.leaseClient.leaseGrant({ TTL: 10 });
      expect(await renewer.renewOnce(ID)).toBeGreaterThan(0);
      const moved = await cluster.moveLeader();
      // The renewer compares its member with the leader every few seconds; renewals meanwhile
      // may fail while the streams move, never answer that a live lease is gone.
      await waitFor('the streams on the new leader', async () => memberOf(await leader.current()).then((id) => id === moved.id), 15_000, 100);
      await waitFor('a renewal through the new leader', async () => (await renewer.renewOnce(ID).catch(() => -1)) > 0, 15_000, 200);
      expect(await renewer.renewOnce(ID)).toBeGreaterThan(0);
    } finally {
      renewer.close();
      leader.close();
    }
  });
});
