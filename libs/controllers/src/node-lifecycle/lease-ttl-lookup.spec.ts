import { waitFor } from '@helios/launcher';
import { connectEtcd, LeasePool, type Etcd3 } from '@helios/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LeaseTtlLookup } from './lease-ttl-lookup';

let client: Etcd3;
let leases: LeasePool;

beforeAll(() => {
  client = connectEtcd(inject('etcdEndpoint'));
  leases = new LeasePool(client);
});

afterAll(() => {
  leases.close();
  client.close();
});

describe('LeaseTtlLookup', () => {
  it("learns a cell's TTL from one of its leases and reads the default until then", async () => {
    const lookup = new LeaseTtlLookup(client, 5);
    const lease = await leases.grant(3);
    try {
      expect(lookup.ttlOf('c1')).toBe(5);
      lookup.note('c1', lease.id);
      expect(await waitFor('the TTL of c1', () => lookup.ttlOf('c1') === 3)).toBe(true);
      lookup.note('c2', '0');
      expect(lookup.ttlOf('c2')).toBe(5);
    } finally {
      lookup.close();
      await lease.revoke();
    }
  });

  it('keeps the default when the lease is already gone, and tries again with the next one', async () => {
    const lookup = new LeaseTtlLookup(client, 5);
    const gone = await leases.grant(2);
    await gone.revoke();
    lookup.note('c1', gone.id);
    const live = await leases.grant(4);
    try {
      await waitFor('the TTL of c1 from its next lease', () => {
        lookup.note('c1', live.id);
        return lookup.ttlOf('c1') === 4;
      });
      expect(lookup.ttlOf('c1')).toBe(4);
    } finally {
      lookup.close();
      await live.revoke();
    }
  });
});
