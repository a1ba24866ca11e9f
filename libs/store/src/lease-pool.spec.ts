import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { connectEtcd } from './connect';
import { LeasePool, type Lease } from './lease-pool';
import { readPrefix } from './prefix-range';
import { TcpProxy } from './tcp-proxy';
import { waitFor } from '@helios/launcher';

const endpoint = inject('etcdEndpoint');
const client = connectEtcd(endpoint);
afterAll(() => client.close());

async function keyExists(key: string): Promise<boolean> {
  return (await client.get(key).exec()).kvs.length > 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('LeasePool', () => {
  const root = `/t/${randomUUID()}/leases/`;
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('lets etcd delete a key bound to a released lease once its TTL runs out', async () => {
    const pool = new LeasePool(client, { streams: 1 });
    cleanups.push(() => pool.close());
    const lease = await pool.grant(2);
    expect(lease.ttl).toBe(2);
    await client.put(`${root}crash`).value('x').lease(lease.id);
    lease.release();
    // etcd revokes about 2.4 s after the last keep-alive.
    await waitFor('the key of the released lease to vanish', async () => !(await keyExists(`${root}crash`)), 10_000);
  });

  it('keeps 500 leases alive over 2 streams past several TTLs, and release() of one drops exactly its key', async () => {
    const pool = new LeasePool(client, { streams: 2 });
    cleanups.push(() => pool.close());
    const lost: string[] = [];
    const leases: Lease[] = [];
    for (let batch = 0; batch < 10; batch++) {
      leases.push(...(await Promise.all(Array.from({ length: 50 }, () => pool.grant(2)))));
    }
    for (const lease of leases) lease.onLost(() => lost.push(lease.id));
    for (let i = 0; i < leases.length; i += 50) {
      await Promise.all(leases.slice(i, i + 50).map((lease, j) => client.put(`${root}many/${i + j}`).value('x').lease(lease.id)));
    }
    expect(pool.size).toBe(500);

    // Several TTLs of wall time are the point of this test: every lease must survive them.
    await sleep(7_000);
    expect(lost).toEqual([]);
    expect((await readPrefix(client, `${root}many/`)).kvs).toHaveLength(500);

    leases[123]!.release();
    await waitFor('the released lease key to vanish', async () => !(await keyExists(`${root}many/123`)), 10_000);
    const left = (await readPrefix(client, `${root}many/`)).kvs.map((kv) => kv.key.toString());
    expect(left).toHaveLength(499);
    expect(left).not.toContain(`${root}many/123`);
    expect(lost).toEqual([]);
    expect(pool.size).toBe(499);
  });

  it('revoke() deletes the bound key at once', async () => {
    const pool = new LeasePool(client, { streams: 1 });
    cleanups.push(() => pool.close());
    const lease = await pool.grant(30);
    await client.put(`${root}revoked`).value('x').lease(lease.id);
    await lease.revoke();
    expect(await keyExists(`${root}revoked`)).toBe(false);
    // Revoking twice (or a lease etcd already dropped) is not an error.
    await expect(lease.revoke()).resolves.toBeUndefined();
  });

  it('reports a lease lost when etcd answers TTL 0 (revoked behind its back)', async () => {
    const pool = new LeasePool(client, { streams: 1 });
    cleanups.push(() => pool.close());
    const lease = await pool.grant(2);
    const reasons: Error[] = [];
    lease.onLost((reason) => reasons.push(reason));
    await client.leaseClient.leaseRevoke({ ID: lease.id });
    await waitFor('onLost', () => reasons.length > 0, 5_000);
    expect(lease.lost).toBe(true);
    expect(reasons[0]!.message).toMatch(/TTL 0/);
    expect(pool.size).toBe(0);
  });

  it('holds a lease cut off past its TTL in doubt, and reports it lost once etcd, reached again, says it expired', async () => {
    const proxy = await TcpProxy.start(endpoint);
    const cut = connectEtcd(proxy.endpoint);
    const pool = new LeasePool(cut, { streams: 1 });
    cleanups.push(() => proxy.close(), () => cut.close(), () => pool.close());
    const lease = await pool.grant(2);
    await client.put(`${root}partitioned`).value('x').lease(lease.id);
    const reasons: Error[] = [];
    lease.onLost((reason) => reasons.push(reason));
    proxy.freeze();
    // etcd expires the lease on its own; the holder cannot know yet, so it is in doubt, not lost.
    await waitFor('etcd to drop the key', async () => !(await keyExists(`${root}partitioned`)), 10_000);
    expect(lease.inDoubt).toBe(true);
    expect(reasons).toEqual([]);
    proxy.sever();
    await waitFor('onLost', () => reasons.length > 0, 15_000);
    expect(reasons[0]!.message).toMatch(/TTL 0/);
    expect(lease.lost).toBe(true);
    expect(lease.inDoubt).toBe(false);
  });

  it('keeps a lease that etcd kept while the holder was cut off past its local deadline', async () => {
    const proxy = await TcpProxy.start(endpoint);
    const cut = connectEtcd(proxy.endpoint);
    const pool = new LeasePool(cut, { streams: 1 });
    cleanups.push(() => proxy.close(), () => cut.close(), () => pool.close());
    const lease = await pool.grant(3);
    const reasons: Error[] = [];
    lease.onLost((reason) => reasons.push(reason));
    proxy.freeze();
    // Keep it alive behind the holder's back, as etcd's extension of leases across a restart does.
    const stream = await client.leaseClient.leaseKeepAlive();
    const keepAlive = setInterval(() => stream.write({ ID: lease.id }), 500);
    cleanups.push(() => clearInterval(keepAlive), () => stream.end());
    await waitFor('the local deadline to pass', () => lease.inDoubt, 10_000);
    proxy.sever();
    await waitFor('a confirmed renewal', () => !lease.inDoubt, 10_000);
    expect(reasons).toEqual([]);
    expect(lease.lost).toBe(false);
  });

  it('survives broken streams: reopens them and keeps every lease', async () => {
    const proxy = await TcpProxy.start(endpoint);
    const flaky = connectEtcd(proxy.endpoint);
    const problems: Error[] = [];
    const pool = new LeasePool(flaky, { streams: 2, onError: (err) => problems.push(err) });
    cleanups.push(() => proxy.close(), () => flaky.close(), () => pool.close());
    const leases = await Promise.all(Array.from({ length: 20 }, () => pool.grant(3)));
    const lost: string[] = [];
    for (const lease of leases) lease.onLost(() => lost.push(lease.id));
    proxy.sever();
    await waitFor('the pool to notice the broken streams', () => problems.length > 0, 10_000);
    // Two TTLs after the break, every lease must still be alive in etcd and locally.
    await sleep(6_000);
    expect(lost).toEqual([]);
    for (const lease of leases) {
      const ttl = await client.leaseClient.leaseTimeToLive({ ID: lease.id });
      expect(Number(ttl.TTL)).toBeGreaterThan(0);
    }
  });
});
