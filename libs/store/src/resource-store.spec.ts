import { Cell, Node } from '@helios/api';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { connectEtcd } from './connect';
import { AlreadyExistsError, ConflictError, FencedError, NotFoundError } from './errors';
import { Keys } from './keys';
import { ResourceStore } from './resource-store';

const client = connectEtcd(inject('etcdEndpoint'));
afterAll(() => client.close());

function cell(name: string, region = 'us-east-1'): Cell {
  return Cell.fromPartial({ metadata: { name, labels: { tier: 'gpu' } }, spec: { provider: 'sim', region, zones: ['a'] } });
}

function node(cellName: string, name: string): Node {
  return Node.fromPartial({ metadata: { name }, spec: { cell: cellName, pool: 'p1', gpus: 8 } });
}

describe('ResourceStore', () => {
  let keys: Keys;
  let store: ResourceStore;
  beforeEach(() => {
    keys = new Keys(`/t/${randomUUID()}/helios/v1`);
    store = new ResourceStore(client, keys);
  });

  it('creates, reads back with resourceVersion = mod revision, and refuses a second create', async () => {
    const created = await store.create('cell', cell('c1'));
    expect(created.metadata?.resourceVersion).toBeGreaterThan(0);
    const read = await store.get('cell', 'c1');
    expect(read).toEqual(created);
    const raw = await client.get(keys.resource('cell', 'c1')).exec();
    expect(Number(raw.kvs[0]!.mod_revision)).toBe(created.metadata?.resourceVersion);
    // resourceVersion lives in etcd's mod revision, not in the stored bytes.
    expect(Cell.decode(raw.kvs[0]!.value).metadata?.resourceVersion).toBe(0);
    await expect(store.create('cell', cell('c1', 'eu-west-1'))).rejects.toBeInstanceOf(AlreadyExistsError);
    expect((await store.get('cell', 'c1'))?.spec?.region).toBe('us-east-1');
  });

  it('returns undefined for a missing object and NotFoundError when updating or deleting it', async () => {
    expect(await store.get('cell', 'nope')).toBeUndefined();
    await expect(store.update('cell', { ...cell('nope'), metadata: { ...cell('nope').metadata!, resourceVersion: 5 } })).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.update('cell', cell('nope'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.delete('cell', 'nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.mutate('cell', 'nope', undefined, (c) => c)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('updates by compare-and-swap: a writer holding a stale resourceVersion gets ConflictError', async () => {
    const v1 = await store.create('cell', cell('c1'));
    const v2 = await store.update('cell', { ...v1, spec: { ...v1.spec!, region: 'eu-west-1' } });
    expect(v2.metadata!.resourceVersion).toBeGreaterThan(v1.metadata!.resourceVersion);
    const stale = store.update('cell', { ...v1, spec: { ...v1.spec!, region: 'ap-south-1' } });
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toThrow(/resourceVersion/);
    expect((await store.get('cell', 'c1'))?.spec?.region).toBe('eu-west-1');
  });

  it('deletes only at the given resourceVersion and returns the last state', async () => {
    const v1 = await store.create('cell', cell('c1'));
    const v2 = await store.update('cell', { ...v1, spec: { ...v1.spec!, region: 'eu-west-1' } });
    await expect(store.delete('cell', 'c1', undefined, { resourceVersion: v1.metadata!.resourceVersion })).rejects.toBeInstanceOf(ConflictError);
    const deleted = await store.delete('cell', 'c1', undefined, { resourceVersion: v2.metadata!.resourceVersion });
    expect(deleted).toEqual(v2);
    expect(await store.get('cell', 'c1')).toBeUndefined();
  });

  it('lists a kind, or the objects under one parent, at one revision', async () => {
    await store.create('node', node('c1', 'n1'));
    await store.create('node', node('c1', 'n2'));
    await store.create('node', node('c2', 'n1'));
    await store.create('cell', cell('c1'));
    const all = await store.list('node');
    expect(all.items.map((n) => `${n.spec?.cell}/${n.metadata?.name}`).sort()).toEqual(['c1/n1', 'c1/n2', 'c2/n1']);
    const inC1 = await store.list('node', 'c1');
    expect(inC1.items.map((n) => n.metadata?.name).sort()).toEqual(['n1', 'n2']);
    expect(inC1.revision).toBeGreaterThanOrEqual(Math.max(...all.items.map((n) => n.metadata!.resourceVersion)));
    expect(await store.get('node', 'n1', 'c2')).toBeDefined();
  });

  it('mutate writes nothing when fn returns undefined', async () => {
    const created = await store.create('node', node('c1', 'n1'));
    const result = await store.mutate('node', 'n1', 'c1', (current) => {
      current.spec!.gpus = 1;
      return undefined;
    });
    expect(result).toEqual(created);
    expect(await store.get('node', 'n1', 'c1')).toEqual(created);
  });

  it('mutate re-reads and re-applies fn when another writer wins the race, losing no update', async () => {
    await store.create('node', node('c1', 'n1'));
    // Five writers race; each round at least one wins, so none loses more than four times.
    const writers = Array.from({ length: 5 }, () =>
      store.mutate('node', 'n1', 'c1', (current) => {
        current.metadata!.generation += 1;
        return current;
      }),
    );
    await Promise.all(writers);
    expect((await store.get('node', 'n1', 'c1'))?.metadata?.generation).toBe(5);
  });

  it('rejects a fenced write from a deposed leader with FencedError, and accepts the current one', async () => {
    const election = keys.election('control-plane');
    const first = await client.put(election).value('a').exec();
    const oldFence = { key: election, createRevision: Number(first.header.revision) };
    const c1 = await store.create('cell', cell('c1'), { fence: oldFence });
    // The old leader's key goes (lease expired) and another candidate creates it anew.
    await client.delete().key(election).exec();
    const second = await client.put(election).value('b').exec();
    const newFence = { key: election, createRevision: Number(second.header.revision) };

    await expect(store.update('cell', { ...c1, spec: { ...c1.spec!, region: 'x' } }, { fence: oldFence })).rejects.toBeInstanceOf(FencedError);
    await expect(store.create('cell', cell('c2'), { fence: oldFence })).rejects.toBeInstanceOf(FencedError);
    await expect(store.delete('cell', 'c1', undefined, { fence: oldFence })).rejects.toBeInstanceOf(FencedError);
    await expect(store.mutate('cell', 'c1', undefined, (c) => c, { fence: oldFence })).rejects.toBeInstanceOf(FencedError);
    const c0 = await store.create('cell', cell('c0'));
    await expect(store.updateEach('cell', [c0, c1].map((c) => ({ ...c, spec: { ...c.spec!, region: 'x' } })), { fence: oldFence })).rejects.toBeInstanceOf(FencedError);
    expect((await store.get('cell', 'c0'))?.spec?.region).toBe('us-east-1');
    expect(await store.get('cell', 'c2')).toBeUndefined();
    expect((await store.get('cell', 'c1'))?.spec?.region).toBe('us-east-1');
    await expect(store.createEach('cell', [cell('c4'), cell('c5')], { fence: oldFence })).rejects.toBeInstanceOf(FencedError);
    expect(await store.get('cell', 'c4')).toBeUndefined();

    // A fence that holds still lets the usual errors through.
    await expect(store.create('cell', cell('c1'), { fence: newFence })).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(store.update('cell', c1, { fence: newFence })).resolves.toBeDefined();
    await expect(store.update('cell', c1, { fence: newFence })).rejects.toBeInstanceOf(ConflictError);

    // No election key at all is also deposed.
    await client.delete().key(election).exec();
    await expect(store.create('cell', cell('c3'), { fence: newFence })).rejects.toBeInstanceOf(FencedError);
  });

  it('updateEach writes a batch in one transaction, and one by one when any of it moved on', async () => {
    const nodes = [];
    for (let i = 0; i < 150; i++) nodes.push(await store.create('node', node('c1', `n${i}`)));
    const writes: [number, string][] = [];
    const relabelled = nodes.map((n) => ({ ...n, spec: { ...n.spec!, pool: 'p2' } }));
    const results = await store.updateEach('node', relabelled, { onWritten: (revision, key) => writes.push([revision, key]) });
    // 150 objects: a batch of 100 and one of 50, each at one revision.
    const revisions = new Set(results.map((r) => (r as Node).metadata!.resourceVersion));
    expect(revisions.size).toBe(2);
    expect(writes).toHaveLength(150);
    expect(new Set(writes.map(([revision]) => revision))).toEqual(revisions);
    expect((await store.list('node', 'c1')).items.every((n) => n.spec?.pool === 'p2')).toBe(true);

    // n1 moves on and n2 is deleted meanwhile: the batch falls back to one write each.
    const stale = (results.slice(0, 4) as Node[]).map((n) => ({ ...n, spec: { ...n.spec!, pool: 'p3' } }));
    await store.update('node', { ...(results[1] as Node), spec: { ...(results[1] as Node).spec!, gpus: 4 } });
    await store.delete('node', 'n2', 'c1');
    const again = await store.updateEach('node', stale);
    expect(again[0]).toMatchObject({ spec: { pool: 'p3' } });
    expect(again[1]).toBeInstanceOf(ConflictError);
    expect(again[2]).toBeInstanceOf(NotFoundError);
    expect(again[3]).toMatchObject({ spec: { pool: 'p3' } });
    expect((await store.get('node', 'n1', 'c1'))?.spec).toMatchObject({ pool: 'p2', gpus: 4 });
    expect(await store.get('node', 'n2', 'c1')).toBeUndefined();
  });

  it('createEach creates a batch in one transaction, and one by one when any of its keys exists', async () => {
    const writes: [number, string][] = [];
    const results = await store.createEach(
      'node',
      Array.from({ length: 150 }, (_, i) => node('c1', `n${i}`)),
      { onWritten: (revision, key) => writes.push([revision, key]) },
    );
    // 150 objects: a batch of 100 and one of 50, each at one revision.
    const revisions = new Set(results.map((r) => (r as Node).metadata!.resourceVersion));
    expect(revisions.size).toBe(2);
    expect(writes).toHaveLength(150);
    expect(new Set(writes.map(([revision]) => revision))).toEqual(revisions);
    expect((await store.list('node', 'c1')).items).toHaveLength(150);

    // n1 exists already: that batch falls back to one creation each, and only n1 is refused.
    const again = await store.createEach('node', [node('c2', 'm0'), node('c1', 'n1'), node('c2', 'm2')]);
    expect(again[0]).toMatchObject({ metadata: { name: 'm0' } });
    expect(again[1]).toBeInstanceOf(AlreadyExistsError);
    expect(again[2]).toMatchObject({ metadata: { name: 'm2' } });
    expect((await store.list('node', 'c2')).items.map((n) => n.metadata?.name).sort()).toEqual(['m0', 'm2']);
    expect((await store.get('node', 'n1', 'c1'))?.spec?.pool).toBe(node('c1', 'n1').spec?.pool);
  });

  it('binds a key to a lease and keeps the binding across updates that do not name one', async () => {
    const lease = await client.leaseClient.leaseGrant({ TTL: 30 });
    const created = await store.create('cell', cell('c1'), { lease: lease.ID });
    await store.update('cell', { ...created, spec: { ...created.spec!, region: 'x' } });
    const raw = await client.get(keys.resource('cell', 'c1')).exec();
    expect(raw.kvs[0]!.lease).toBe(lease.ID);
    await client.leaseClient.leaseRevoke({ ID: lease.ID });
    expect(await store.get('cell', 'c1')).toBeUndefined();
  });
});
