import { randomUUID } from 'node:crypto';
import { waitFor } from '@helios/launcher';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectEtcd } from './connect';
import { LeaseRenewer } from './lease-renewer';

const client = connectEtcd(inject('etcdEndpoint'));
afterAll(() => client.close());

async function grant(ttl: number): Promise<string> {
  return (await client.leaseClient.leaseGrant({ TTL: ttl })).ID;
}

describe('LeaseRenewer', () => {
  it('answers each renewal with etcd\'s TTL: the full TTL for a live lease, 0 for a revoked or unknown one', async () => {
    const renewer = new LeaseRenewer(client, { streams: 1 });
    try {
      const live = await grant(7);
      const revoked = await grant(7);
      await client.leaseClient.leaseRevoke({ ID: revoked });
      expect(await renewer.renewOnce(live)).toBe(7);
      expect(await renewer.renewOnce(revoked)).toBe(0);
      expect(await renewer.renewOnce('1234567')).toBe(0);
    } finally {
      renewer.close();
    }
  });

  it('matches 300 concurrent renewals over 3 streams to their own answers', async () => {
    const renewer = new LeaseRenewer(client, { streams: 3 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 300; i += 50) ids.push(...(await Promise.all(Array.from({ length: 50 }, () => grant(9)))));
      const gone = new Set(ids.filter((_, i) => i % 3 === 0));
      await Promise.all([...gone].map((id) => client.leaseClient.leaseRevoke({ ID: id })));
      const answers = await Promise.all(ids.map((id) => renewer.renewOnce(id)));
      expect(answers).toEqual(ids.map((id) => (gone.has(id) ? 0 : 9)));
      await Promise.all(ids.filter((id) => !gone.has(id)).map((id) => client.leaseClient.leaseRevoke({ ID: id })));
    } finally {
      renewer.close();
    }
  });

  it('never keeps a lease alive on its own: one renewal, then etcd expires it', async () => {
    const renewer = new LeaseRenewer(client, { streams: 1 });
    try {
      const id = await grant(2);
      expect(await renewer.renewOnce(id)).toBe(2);
      const key = `/t/${randomUUID()}/renewed-once`;
      await client.put(key).value('x').lease(id).exec();
      // etcd revokes about 2.4 s after the last keep-alive; the renewer sends none by itself.
      await waitFor('etcd to expire the lease renewed once', async () => (await client.get(key).exec()).kvs.length === 0, 10_000, 100);
      expect(await renewer.renewOnce(id)).toBe(0);
    } finally {
      renewer.close();
    }
  });

  it('fails renewals once closed', async () => {
    const renewer = new LeaseRenewer(client);
    renewer.close();
    await expect(renewer.renewOnce('1')).rejects.toThrow('renewing lease 1: the renewer is closed');
  });
});
