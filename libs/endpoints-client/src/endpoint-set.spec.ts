import type { Endpoint } from '@helios/api';
import { createLogger } from '@helios/config';
import { freePort } from '@helios/etcd-process';
import { waitFor } from '@helios/launcher';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EndpointSet, type EndpointChange, type EndpointSetOptions } from './endpoint-set';
import { FakeEndpointsServer } from './fake-endpoints-server';

const ep = (replica: string, port: number): Endpoint => ({ replica, address: `127.0.0.1:${port}`, revision: 1, cell: 'c1', node: 'n1' });
const names = (endpoints: Endpoint[]) => endpoints.map((e) => e.replica);

describe('EndpointSet', () => {
  let server: FakeEndpointsServer;
  const sets: EndpointSet[] = [];
  const logger = createLogger('endpoints-client-test', 'silent');
  const fast = { baseMs: 20, maxMs: 100, jitter: 0 };

  beforeEach(async () => {
    server = await FakeEndpointsServer.start();
  });
  afterEach(async () => {
    for (const s of sets.splice(0)) s.close();
    await server.stop();
  });

  const follow = (over: Partial<EndpointSetOptions> = {}): EndpointSet => {
    const set = new EndpointSet({ servers: server.address, deployment: 'web', backoff: fast, logger, ...over });
    sets.push(set);
    return set.start();
  };

  it('starts from the full set of its deployment, ordered by replica', async () => {
    server.set('web', [ep('web-b', 2), ep('web-a', 1)]);
    server.set('other', [ep('other-a', 9)]);
    const set = follow();
    expect(set.isReady).toBe(false);
    await set.ready(5_000);
    expect(set.isReady).toBe(true);
    expect(set.connected).toBe(true);
    expect(names(set.list())).toEqual(['web-a', 'web-b']);
    expect(server.requests).toEqual(['web']);
  });

  it('follows additions and removals and tells listeners what changed', async () => {
    server.set('web', [ep('web-a', 1)]);
    const set = follow();
    await set.ready(5_000);
    const changes: EndpointChange[] = [];
    set.on('change', (c) => changes.push(c));
    server.add('web', ep('web-b', 2));
    server.remove('web', 'web-a');
    await waitFor('two changes', () => changes.length === 2, 5_000, 10);
    expect(changes.map((c) => ({ all: names(c.endpoints), added: names(c.added), removed: names(c.removed) }))).toEqual([
      { all: ['web-a', 'web-b'], added: ['web-b'], removed: [] },
      { all: ['web-b'], added: [], removed: ['web-a'] },
    ]);
    expect(names(set.list())).toEqual(['web-b']);
  });

  it('reconnects after the stream breaks and catches up with what changed meanwhile', async () => {
    server.set('web', [ep('web-a', 1), ep('web-b', 2)]);
    const set = follow();
    await set.ready(5_000);
    const changes: EndpointChange[] = [];
    set.on('change', (c) => changes.push(c));
    // The stream drops; the set changes while nobody listens.
    server.dropStreams();
    server.set('web', [ep('web-b', 2), ep('web-c', 3)]);
    await waitFor('the new snapshot', () => names(set.list()).join() === 'web-b,web-c', 5_000, 10);
    expect(server.requests).toEqual(['web', 'web']);
    // One change with the true difference, not a flush and refill.
    expect(changes.map((c) => ({ added: names(c.added), removed: names(c.removed) }))).toEqual([{ added: ['web-c'], removed: ['web-a'] }]);
    expect(set.connected).toBe(true);
  });

  it('keeps serving the last set while the control plane is unreachable', async () => {
    server.set('web', [ep('web-a', 1)]);
    const set = follow();
    await set.ready(5_000);
    await server.stop();
    await waitFor('the stream to be seen broken', () => !set.connected, 5_000, 10);
    expect(names(set.list())).toEqual(['web-a']);
  });

  it('tries the next control-plane address when one does not answer', async () => {
    server.set('web', [ep('web-a', 1)]);
    const dead = `127.0.0.1:${await freePort()}`;
    const set = follow({ servers: `${dead},${server.address}` });
    await set.ready(10_000);
    expect(names(set.list())).toEqual(['web-a']);
  });

  it('says which deployment and servers it waited for when no snapshot comes', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const set = follow({ servers: [dead] });
    await expect(set.ready(300)).rejects.toThrow(`no endpoints of deployment web from ${dead} within 300 ms`);
  });
});
