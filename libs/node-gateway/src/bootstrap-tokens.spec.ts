import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { StoredBootstrapToken } from '@helios/api';
import { connectEtcd, Keys } from '@helios/store';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { BootstrapTokens } from './bootstrap-tokens';
import { loadSigningKey } from './signing-key';

const client = connectEtcd(inject('etcdEndpoint'));
afterAll(() => client.close());
const spec = { cell: 'c1', pool: '', uses: 1, ttlSeconds: 3600, description: 'test' };

function tokens(): { tokens: BootstrapTokens; keys: Keys } {
  const keys = new Keys(`/t/${randomUUID()}/helios/v1`);
  return { tokens: new BootstrapTokens(client, keys), keys };
}

async function codeOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

describe('BootstrapTokens', () => {
  it('stores the hash of the secret, never the secret, on a lease of the token\'s lifetime', async () => {
    const { tokens: store, keys } = tokens();
    const created = await store.create({ ...spec, ttlSeconds: 600 });
    const [id, secret] = created.token.split('.');
    expect(created.info).toMatchObject({ id, cell: 'c1', usesLeft: 1, description: 'test' });
    const kv = (await client.get(keys.token(id!)).exec()).kvs[0]!;
    expect(kv.value.includes(Buffer.from(secret!))).toBe(false);
    expect(StoredBootstrapToken.decode(kv.value).secretSha256).toHaveLength(32);
    const ttl = Number((await client.leaseClient.leaseTimeToLive({ ID: kv.lease })).TTL);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('counts uses down and deletes the token at its last one; a replay is UNAUTHENTICATED', async () => {
    const { tokens: store, keys } = tokens();
    const { token } = await store.create({ ...spec, uses: 2, pool: 'gpu-a' });
    expect((await store.consume(token, 'n1', 'gpu-a')).usesLeft).toBe(2);
    expect((await store.list('c1')).map((t) => t.usesLeft)).toEqual([1]);
    await store.consume(token, 'n2', 'gpu-a');
    expect(await store.list()).toEqual([]);
    expect((await client.get(keys.token(token.split('.')[0]!)).exec()).kvs).toHaveLength(0);
    expect(await codeOf(store.consume(token, 'n3', 'gpu-a'))).toBe(status.UNAUTHENTICATED);
  });

  it('lets exactly as many of 12 concurrent joins through as the token has uses', async () => {
    const { tokens: store } = tokens();
    const { token } = await store.create({ ...spec, uses: 3 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => store.consume(token, `n${i}`, '')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as { code: number }).code)).toEqual(Array(9).fill(status.UNAUTHENTICATED));
  });

  it('serves a pool booting at once on one multi-use token through two replicas: every use taken once, no join aborted', async () => {
    const { tokens: first, keys } = tokens();
    const second = new BootstrapTokens(client, keys);
    const { token } = await first.create({ ...spec, uses: 30 });
    const joins = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? first : second).consume(token, `n${i}`, ''));
    const results = await Promise.allSettled(joins);
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'joined' : ((r.reason as { code: number }).code === status.UNAUTHENTICATED ? 'used up' : String(r.reason))));
    expect(codes.filter((c) => c === 'joined')).toHaveLength(30);
    expect(codes.filter((c) => c !== 'joined')).toEqual(Array(10).fill('used up'));
  });

  it('writes nothing for a wrong secret or a foreign pool', async () => {
    const { tokens: store } = tokens();
    const { token } = await store.create({ ...spec, pool: 'gpu-a' });
    const [id] = token.split('.');
    expect(await codeOf(store.consume(`${id}.wrongsecret00000`, 'n1', 'gpu-a'))).toBe(status.UNAUTHENTICATED);
    expect(await codeOf(store.consume(token, 'n1', 'gpu-b'))).toBe(status.UNAUTHENTICATED);
    expect((await store.list()).map((t) => t.usesLeft)).toEqual([1]);
  });

  it('lists by cell and deletes by id', async () => {
    const { tokens: store } = tokens();
    const a = await store.create(spec);
    await store.create({ ...spec, cell: 'c2' });
    expect((await store.list('c1')).map((t) => t.id)).toEqual([a.info!.id]);
    expect(await store.list()).toHaveLength(2);
    expect(await store.delete(a.info!.id)).toBe(true);
    expect(await store.delete(a.info!.id)).toBe(false);
    expect((await store.list()).map((t) => t.cell)).toEqual(['c2']);
  });
});

describe('loadSigningKey', () => {
  it('gives every replica the same key, whichever creates it', async () => {
    const key = new Keys(`/t/${randomUUID()}/helios/v1`).secret('node-credential-key');
    const loaded = await Promise.all(Array.from({ length: 5 }, () => loadSigningKey(client, key)));
    expect(loaded[0]).toHaveLength(32);
    for (const other of loaded) expect(other.equals(loaded[0]!)).toBe(true);
    expect((await loadSigningKey(client, key)).equals(loaded[0]!)).toBe(true);
  });
});
