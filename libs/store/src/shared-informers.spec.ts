import { Node, Replica } from '@helios/api';
import { waitFor } from '@helios/launcher';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { connectEtcd } from './connect';
import { Keys } from './keys';
import { ResourceStore } from './resource-store';
import { SharedInformers } from './shared-informers';
import { BY_CELL, BY_NODE, BY_POOL } from './standard-indexes';

const client = connectEtcd(inject('etcdEndpoint'));
afterAll(() => client.close());

const node = (cell: string, name: string, pool: string) => Node.fromPartial({ metadata: { name }, spec: { cell, pool, gpus: 8 } });
const replica = (deployment: string, name: string, cell = '', nodeName = '') => Replica.fromPartial({ metadata: { name }, spec: { deployment, cell, node: nodeName } });
const names = (objects: { metadata?: { name: string } }[]) => objects.map((o) => o.metadata?.name).sort();

describe('SharedInformers', () => {
  let keys: Keys;
  let store: ResourceStore;
  let informers: SharedInformers;
  beforeEach(() => {
    keys = new Keys(`/t/${randomUUID()}/helios/v1`);
    store = new ResourceStore(client, keys);
    informers = new SharedInformers(client, keys);
  });
  afterEach(() => informers.stop());

  it('hands out one informer per prefix and tells which hold a key', () => {
    const all = informers.informer('node');
    expect(informers.informer('node')).toBe(all);
    const inCell = informers.informer('node', 'c1');
    expect(inCell).not.toBe(all);
    const heartbeats = informers.keyInformer(keys.heartbeats());
    expect(informers.keyInformer(keys.heartbeats())).toBe(heartbeats);
    expect(informers.prefixes.sort()).toEqual([keys.prefix('node'), keys.prefix('node', 'c1'), keys.heartbeats()].sort());
    expect(informers.covering(keys.resource('node', 'n1', 'c1'))).toEqual([all, inCell]);
    expect(informers.covering(keys.resource('node', 'n1', 'c2'))).toEqual([all]);
    expect(informers.covering(keys.resource('cell', 'c1'))).toEqual([]);
    expect(() => informers.keyInformer(keys.prefix('node'))).toThrow('not a key informer');
  });

  it('keeps the standard indexes in step with changes', async () => {
    await store.create('node', node('c1', 'n1', 'p1'));
    await store.create('node', node('c1', 'n2', 'p2'));
    const r1 = await store.create('replica', replica('d', 'r1', 'c1', 'n1'));
    await store.create('replica', replica('d', 'r2', 'c1'));
    const nodes = informers.informer('node');
    const replicas = informers.informer('replica');
    await informers.sync();
    expect(names(nodes.byIndex(BY_CELL, 'c1'))).toEqual(['n1', 'n2']);
    expect(names(nodes.byIndex(BY_POOL, 'c1/p2'))).toEqual(['n2']);
    expect(names(replicas.byIndex(BY_NODE, 'c1/n1'))).toEqual(['r1']);
    expect(replicas.indexValues(BY_NODE)).toEqual(['c1/n1']);

    // Moved to another node, then deleted: each index follows.
    const moved = await store.update('replica', { ...r1, spec: { ...r1.spec!, node: 'n2' } });
    await waitFor('move seen', () => replicas.byIndex(BY_NODE, 'c1/n2').length === 1);
    expect(replicas.byIndex(BY_NODE, 'c1/n1')).toEqual([]);
    expect(replicas.byIndex(BY_NODE, 'c1/n2')).toEqual([moved]);
    await store.delete('replica', 'r1', 'd');
    await waitFor('delete seen', () => replicas.byIndex(BY_NODE, 'c1/n2').length === 0);
    expect(replicas.indexValues(BY_NODE)).toEqual([]);
    expect(names(replicas.byIndex(BY_CELL, 'c1'))).toEqual(['r2']);
    expect(() => replicas.byIndex('byColour', 'x')).toThrow('no index byColour');
  });

  it('sync() on running informers lists again and reports only what changed', async () => {
    await store.create('node', node('c1', 'n1', 'p1'));
    const nodes = informers.informer('node');
    const events: string[] = [];
    nodes.on((e) => events.push(`${e.type} ${e.object.metadata?.name}`));
    await informers.sync();
    expect(events).toEqual(['added n1']);
    // Changes made while nobody looks are what a resync must bring in, once each.
    await nodes.stop();
    const revived = new SharedInformers(client, keys);
    const again = revived.informer('node');
    const seen: string[] = [];
    again.on((e) => seen.push(`${e.type} ${e.object.metadata?.name}`));
    await revived.sync();
    await store.create('node', node('c1', 'n2', 'p1'));
    await waitFor('n2 seen', () => seen.length === 2);
    await revived.sync();
    expect(seen).toEqual(['added n1', 'added n2']);
    const written = await store.create('node', node('c1', 'n3', 'p1'));
    await revived.sync();
    expect(again.revision).toBeGreaterThanOrEqual(written.metadata!.resourceVersion);
    expect(seen).toEqual(['added n1', 'added n2', 'added n3']);
    // Still watching after the resync.
    await store.delete('node', 'n1', 'c1');
    await waitFor('delete after resync', () => seen.length === 4);
    expect(seen[3]).toBe('deleted n1');
    await revived.stop();
  });
});
