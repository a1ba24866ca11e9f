import { createLogger } from '@helios/config';
import { PreemptionWatcher } from '@helios/node-agent';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePreemptionFlag, preemptionSourceFor } from './preemption-source';

const logger = createLogger('preemption-source-test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** A local metadata server answering with `route`; returns its URL. */
async function metadataServer(route: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('preemption notices from the cloud metadata services', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  /** The deadlines the watcher reported, as the node agent would send them to the control plane. */
  const reporter = () => {
    const reported: Date[] = [];
    return { reported, report: async (deadline: Date) => void reported.push(deadline) };
  };

  it('reads the AWS spot/instance-action with an IMDSv2 token and reports its deadline', async () => {
    const { url, server } = await metadataServer((req, res) => {
      if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.end('token-1');
      // IMDSv2: every read carries the session token, or IMDS answers 401.
      if (req.headers['x-aws-ec2-metadata-token'] !== 'token-1') return void res.writeHead(401).end();
      if (req.url === '/latest/meta-data/spot/instance-action') return void res.end('{"action": "terminate", "time": "2030-01-01T10:02:00Z"}');
      if (req.url === '/latest/meta-data/instance-id') return void res.end('i-0abc');
      res.writeHead(404).end();
    });
    servers.push(server);
    const { reported, report } = reporter();
    const watcher = new PreemptionWatcher({ report, source: preemptionSourceFor(parsePreemptionFlag('aws'), url)!, logger }, { node: 'n1' });
    expect(await watcher.pollOnce()).toBe(true);
    expect(reported.map((d) => d.toISOString())).toEqual(['2030-01-01T10:02:00.000Z']);
  });

  it('reads the GCE instance/preempted flag and reports a deadline ahead', async () => {
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
    const { reported, report } = reporter();
    const watcher = new PreemptionWatcher({ report, source: preemptionSourceFor('gcp', url)!, logger }, { node: 'n1' });
    expect(await watcher.pollOnce()).toBe(false);
    preempted = 'TRUE';
    expect(await watcher.pollOnce()).toBe(true);
    expect(reported).toHaveLength(1);
    expect(reported[0]!.getTime()).toBeGreaterThan(Date.now());
  });

  it('rejects an unknown --preemption value and builds nothing for none', () => {
    expect(() => parsePreemptionFlag('azure')).toThrow('--preemption must be none, aws or gcp');
    expect(preemptionSourceFor('none')).toBeUndefined();
  });
});
