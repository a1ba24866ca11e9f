import { Node, NodePhase } from '@helios/api';
import { createLogger } from '@helios/config';
import { PreemptionWatcher } from '@helios/node-agent';
import { Keys, ResourceStore, connectEtcd, type Etcd3 } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { parsePreemptionFlag, preemptionSourceFor } from './preemption-source';

const logger = createLogger('preemption-source-test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** A local metadata server answering with `route`; returns its URL. */
async function metadataServer(route: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('preemption notices from the cloud metadata services', () => {
  let client: Etcd3;
  const servers: Server[] = [];
  beforeAll(() => {
    client = connectEtcd(inject('etcdEndpoint'));
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });
  afterAll(() => client.close());

  async function readyNode(): Promise<ResourceStore> {
    const store = new ResourceStore(client, new Keys(`/t/${randomUUID()}/helios/v1`));
    await store.create('node', Node.fromPartial({ metadata: { name: 'n1' }, spec: { cell: 'c1' }, status: { phase: NodePhase.NODE_PHASE_READY } }));
    return store;
  }

  it('reads the AWS spot/instance-action with an IMDSv2 token and drains the node', async () => {
    const { url, server } = await metadataServer((req, res) => {
      if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.end('token-1');
      // IMDSv2: every read carries the session token, or IMDS answers 401.
      if (req.headers['x-aws-ec2-metadata-token'] !== 'token-1') return void res.writeHead(401).end();
      if (req.url === '/latest/meta-data/spot/instance-action') return void res.end('{"action": "terminate", "time": "2030-01-01T10:02:00Z"}');
      if (req.url === '/latest/meta-data/instance-id') return void res.end('i-0abc');
      res.writeHead(404).end();
    });
    servers.push(server);
    const store = await readyNode();
    const watcher = new PreemptionWatcher({ store, source: preemptionSourceFor(parsePreemptionFlag('aws'), url)!, logger }, { cell: 'c1', node: 'n1' });
    expect(await watcher.pollOnce()).toBe(true);
    expect((await store.get('node', 'n1', 'c1'))?.status).toMatchObject({ phase: NodePhase.NODE_PHASE_DRAINING, preemptionTime: '2030-01-01T10:02:00.000Z' });
  });

  it('reads the GCE instance/preempted flag and drains the node', async () => {
    let preempted = 'FALSE';
    const { url, server } = await metadataServer((req, res) => {
      if (req.headers['metadata-flavor'] !== 'Google') return void res.writeHead(403).end();
      const body: Record<string, string> = {
        '/computeMetadata/v1/instance/preempted': preempted,
        '/computeMetadata/v1/instance/zone': 'projects/1/zones/us-central1-a',
        '/computeMetadata/v1/instance/name': 'n1',
      };
      if (!(req.url! in body)) return void res.writeHead(404, { 'Metadata-Flavor': 'Google' }).end();
      res.writeHead(200, { 'Metadata-Flavor': 'Google' }).end(body[req.url!]);
    });
    servers.push(server);
    const store = await readyNode();
    const watcher = new PreemptionWatcher({ store, source: preemptionSourceFor('gcp', url)!, logger }, { cell: 'c1', node: 'n1' });
    expect(await watcher.pollOnce()).toBe(false);
    preempted = 'TRUE';
    expect(await watcher.pollOnce()).toBe(true);
    const node = await store.get('node', 'n1', 'c1');
    expect(node?.status?.phase).toBe(NodePhase.NODE_PHASE_DRAINING);
    expect(Date.parse(node!.status!.preemptionTime!)).toBeGreaterThan(Date.now());
  });

  it('rejects an unknown --preemption value and builds nothing for none', () => {
    expect(() => parsePreemptionFlag('azure')).toThrow('--preemption must be none, aws or gcp');
    expect(preemptionSourceFor('none')).toBeUndefined();
  });
});
