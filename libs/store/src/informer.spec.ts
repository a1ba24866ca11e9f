import { Cell, Node } from '@helios/api';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { connectEtcd } from './connect';
import { Informer, type InformerEvent } from './informer';
import { KeyInformer, type KeyEvent } from './key-informer';
import { Keys } from './keys';
import { ResourceStore } from './resource-store';
import { TcpProxy } from './tcp-proxy';
import { waitFor } from '@helios/launcher';

const endpoint = inject('etcdEndpoint');
const writer = connectEtcd(endpoint);
afterAll(() => writer.close());

function cell(name: string, region = 'r1'): Cell {
  return Cell.fromPartial({ metadata: { name }, spec: { provider: 'sim', region } });
}

function summary(events: InformerEvent<{ metadata?: { name: string } }>[]): string[] {
  return events.map((e) => `${e.type} ${e.object.metadata?.name}`).sort();
}

describe('Informer', () => {
  let keys: Keys;
  let store: ResourceStore;
  const stops: (() => Promise<void> | void)[] = [];
  beforeEach(() => {
    keys = new Keys(`/t/${randomUUID()}/helios/v1`);
    store = new ResourceStore(writer, keys);
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  it('caches the initial list and reports added, modified and deleted with the previous state', async () => {
    await store.create('cell', cell('c1'));
    const informer = new Informer(writer, keys, 'cell');
    stops.push(() => informer.stop());
    const events: InformerEvent<Cell>[] = [];
    informer.on((e) => events.push(e));
    await informer.start();
    expect(summary(events)).toEqual(['added c1']);
    expect(informer.get('c1')?.spec?.region).toBe('r1');

    const c2 = await store.create('cell', cell('c2'));
    const c1 = (await store.get('cell', 'c1'))!;
    const c1b = await store.update('cell', { ...c1, spec: { ...c1.spec!, region: 'r2' } });
    await store.delete('cell', 'c2');
    await waitFor('three more events', () => events.length === 4);

    expect(events.slice(1).map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['added c2', 'modified c1', 'deleted c2']);
    const modified = events[2]!;
    expect(modified.previous?.spec?.region).toBe('r1');
    expect(modified.object).toEqual(c1b);
    expect(events[3]!.object).toEqual(c2);
    expect(informer.list().map((c) => c.metadata?.name)).toEqual(['c1']);
    expect(informer.get('c1')).toEqual(c1b);
    expect(informer.revision).toBeGreaterThanOrEqual(c1b.metadata!.resourceVersion);
  });

  it('follows only the objects under its parent', async () => {
    const informer = new Informer(writer, keys, 'node', { parent: 'c1' });
    stops.push(() => informer.stop());
    await informer.start();
    const seen: string[] = [];
    informer.on((e) => seen.push(`${e.type} ${e.object.spec?.cell}/${e.object.metadata?.name}`));
    await store.create('node', Node.fromPartial({ metadata: { name: 'n1' }, spec: { cell: 'c2' } }));
    await store.create('node', Node.fromPartial({ metadata: { name: 'n2' }, spec: { cell: 'c1' } }));
    await waitFor('the c1 node', () => informer.get('n2'));
    expect(seen).toEqual(['added c1/n2']);
    expect(informer.get('n1')).toBeUndefined();
  });

  it('lists again after etcd compacted past its revision and reports exactly what it missed', async () => {
    for (const name of ['c1', 'c2', 'c3']) await store.create('cell', cell(name));
    const proxy = await TcpProxy.start(endpoint);
    const client = connectEtcd(proxy.endpoint);
    stops.push(() => proxy.close(), () => client.close());
    const problems: Error[] = [];
    const informer = new Informer(client, keys, 'cell', { onError: (err) => problems.push(err) });
    stops.push(() => informer.stop());
    await informer.start();
    const events: InformerEvent<Cell>[] = [];
    informer.on((e) => events.push(e));

    // The informer's connection goes silent while the world moves on and history is compacted.
    proxy.freeze();
    const c1 = (await store.get('cell', 'c1'))!;
    const c1b = await store.update('cell', { ...c1, spec: { ...c1.spec!, region: 'r9' } });
    await store.delete('cell', 'c2');
    await store.create('cell', cell('c4'));
    await store.create('cell', cell('c5'));
    const gone = await store.delete('cell', 'c5');
    await writer.kv.compact({ revision: gone.metadata!.resourceVersion + 1, physical: true });
    proxy.sever();

    await waitFor('the missed changes', () => events.length >= 3, 20_000);
    expect(summary(events)).toEqual(['added c4', 'deleted c2', 'modified c1']);
    expect(events.find((e) => e.type === 'modified')?.object).toEqual(c1b);
    expect(informer.list().map((c) => c.metadata?.name).sort()).toEqual(['c1', 'c3', 'c4']);
    expect(problems.some((p) => /listing again/.test(p.message))).toBe(true);

    // And it watches again afterwards.
    await store.create('cell', cell('c6'));
    await waitFor('c6 after the re-list', () => informer.get('c6'));
  });

  it('resumes after a disconnect from the last revision it saw, without listing again', async () => {
    await store.create('cell', cell('c1'));
    const proxy = await TcpProxy.start(endpoint);
    const client = connectEtcd(proxy.endpoint);
    stops.push(() => proxy.close(), () => client.close());
    const problems: Error[] = [];
    const informer = new Informer(client, keys, 'cell', { onError: (err) => problems.push(err) });
    stops.push(() => informer.stop());
    await informer.start();
    const events: InformerEvent<Cell>[] = [];
    informer.on((e) => events.push(e));

    proxy.freeze();
    await store.create('cell', cell('c2'));
    await store.delete('cell', 'c1');
    proxy.sever();

    await waitFor('the changes made while disconnected', () => events.length >= 2, 20_000);
    expect(events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['added c2', 'deleted c1']);
    expect(problems).toEqual([]);
  });
});

describe('KeyInformer', () => {
  it('follows raw keys (heartbeats) with their values and leases', async () => {
    const keys = new Keys(`/t/${randomUUID()}/helios/v1`);
    await writer.put(keys.heartbeat('c1', 'n1')).value('a');
    const informer = new KeyInformer(writer, keys.heartbeats('c1'));
    const events: KeyEvent[] = [];
    informer.on((e) => events.push(e));
    await informer.start();
    try {
      const lease = await writer.leaseClient.leaseGrant({ TTL: 30 });
      await writer.put(keys.heartbeat('c1', 'n2')).value('b').lease(lease.ID);
      await writer.put(keys.heartbeat('c1', 'n1')).value('a2');
      await writer.leaseClient.leaseRevoke({ ID: lease.ID });
      await writer.put(keys.heartbeat('c1', 'm3')).value('c');
      await writer.put(keys.heartbeat('c1', 'm4')).value('d');
      // One delete of two keys: both events carry the same revision.
      await writer.delete().prefix(keys.heartbeats('c1') + 'm').exec();
      await waitFor('eight events', () => events.length === 8);
      expect(events.map((e) => `${e.type} ${e.key.split('/').pop()} ${e.value.toString()}`)).toEqual([
        'added n1 a',
        'added n2 b',
        'modified n1 a2',
        'deleted n2 b',
        'added m3 c',
        'added m4 d',
        'deleted m3 c',
        'deleted m4 d',
      ]);
      expect(events[1]!.entry.lease).toBe(lease.ID);
      expect(events[2]!.previous?.toString()).toBe('a');
      expect(informer.list().map((e) => e.key)).toEqual([keys.heartbeat('c1', 'n1')]);
    } finally {
      await informer.stop();
    }
  });
});
