import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ImdsClient } from './imds-client';

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

// A local IMDSv2: issues tokens "tok-1", "tok-2", ... and serves `paths` to holders of a valid token.
async function startImds(paths: Record<string, string>, opts: { expireTokensAfterUses?: number } = {}) {
  const seen: Seen[] = [];
  let issued = 0;
  const valid = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) {
        res.writeHead(400).end();
        return;
      }
      const token = `tok-${++issued}`;
      valid.set(token, 0);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      return;
    }
    const token = String(req.headers['x-aws-ec2-metadata-token'] ?? '');
    const uses = valid.get(token);
    if (req.method !== 'GET' || uses === undefined || (opts.expireTokensAfterUses !== undefined && uses >= opts.expireTokensAfterUses)) {
      res.writeHead(401).end();
      return;
    }
    valid.set(token, uses + 1);
    const body = paths[req.url ?? ''];
    if (body === undefined) res.writeHead(404, { 'content-type': 'text/html' }).end('<html>404 - Not Found</html>');
    else res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('ImdsClient', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (stops.length) await stops.pop()!();
  });

  it('reads no notice (404) with an IMDSv2 session token', async () => {
    const imds = await startImds({});
    stops.push(imds.stop);
    const client = new ImdsClient({ baseUrl: imds.url, tokenTtlSeconds: 300 });
    expect(await client.spotInstanceAction()).toBeUndefined();
    expect(imds.seen.map((s) => [s.method, s.path])).toEqual([
      ['PUT', '/latest/api/token'],
      ['GET', '/latest/meta-data/spot/instance-action'],
    ]);
    expect(imds.seen[0]!.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('300');
    expect(imds.seen[1]!.headers['x-aws-ec2-metadata-token']).toBe('tok-1');
  });

  it('turns a spot notice into a preemption notice for the node, reusing the token', async () => {
    const imds = await startImds({
      '/latest/meta-data/spot/instance-action': '{"action": "terminate", "time": "2026-03-01T08:22:00Z"}',
      '/latest/meta-data/instance-id': 'i-0abc123',
    });
    stops.push(imds.stop);
    const client = new ImdsClient({ baseUrl: `${imds.url}/` });
    expect(await client.preemptionNotice('h100-spot-0')).toEqual({
      instanceId: 'i-0abc123',
      node: 'h100-spot-0',
      deadline: new Date('2026-03-01T08:22:00Z'),
    });
    expect(imds.seen.filter((s) => s.method === 'PUT')).toHaveLength(1);
  });

  it('fetches a new token when the cached one nears expiry', async () => {
    const imds = await startImds({ '/latest/meta-data/instance-id': 'i-1' });
    stops.push(imds.stop);
    let now = 1_000_000;
    const client = new ImdsClient({ baseUrl: imds.url, tokenTtlSeconds: 120, now: () => now });
    await client.instanceId();
    now += 59_000; // 61 s before expiry: still good
    await client.instanceId();
    now += 2_000; // 59 s before expiry: inside the refresh margin
    await client.instanceId();
    expect(imds.seen.filter((s) => s.method === 'GET').map((s) => s.headers['x-aws-ec2-metadata-token'])).toEqual(['tok-1', 'tok-1', 'tok-2']);
  });

  it('fetches a new token once when IMDS answers 401', async () => {
    const imds = await startImds({ '/latest/meta-data/instance-id': 'i-1' }, { expireTokensAfterUses: 1 });
    stops.push(imds.stop);
    const client = new ImdsClient({ baseUrl: imds.url });
    expect(await client.instanceId()).toBe('i-1');
    expect(await client.instanceId()).toBe('i-1');
    expect(imds.seen.map((s) => s.method)).toEqual(['PUT', 'GET', 'GET', 'PUT', 'GET']);
  });

  it('reports an unreachable IMDS with its address', async () => {
    const imds = await startImds({});
    await imds.stop();
    await expect(new ImdsClient({ baseUrl: imds.url }).spotInstanceAction()).rejects.toThrow(`IMDS token request to ${imds.url} failed`);
  });
});
