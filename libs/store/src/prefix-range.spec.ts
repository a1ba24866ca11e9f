import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectEtcd } from './connect';
import { prefixRangeEnd, readPrefix } from './prefix-range';

describe('prefixRangeEnd', () => {
  // Mirrors the worked examples in its comment.
  it.each([
    [Buffer.from('/a/'), Buffer.from('/a0')],
    [Buffer.from([0x61, 0xff]), Buffer.from('b')],
    [Buffer.from([0xff, 0xff]), Buffer.from([0])],
  ])('end of %s is %s', (prefix, end) => {
    expect(prefixRangeEnd(prefix)).toEqual(end);
  });
});

describe('readPrefix', () => {
  const client = connectEtcd(inject('etcdEndpoint'));
  const root = `/t/${randomUUID()}/`;
  afterAll(() => client.close());

  it('reads every key under the prefix across pages at one revision, and nothing beside it', async () => {
    for (let i = 0; i < 7; i++) await client.put(`${root}p/k${i}`).value(String(i));
    await client.put(`${root}p0`).value('neighbour');
    const snapshot = await readPrefix(client, `${root}p/`, 3);
    expect(snapshot.kvs.map((kv) => kv.value.toString())).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    const latest = await client.get(`${root}p0`).exec();
    expect(snapshot.revision).toBe(Number(latest.header.revision));
  });
});
