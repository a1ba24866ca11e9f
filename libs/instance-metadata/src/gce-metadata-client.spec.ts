import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GceMetadataClient } from './gce-metadata-client';

// A local metadata server: answers `paths` to requests carrying Metadata-Flavor: Google.
async function startMetadata(paths: Record<string, string>, opts: { flavorHeader?: boolean } = {}) {
  const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const flavor = opts.flavorHeader === false ? {} : { 'Metadata-Flavor': 'Google' };
    if (req.headers['metadata-flavor'] !== 'Google') {
      res.writeHead(403, flavor).end('Missing Metadata-Flavor:Google header.');
      return;
    }
    const body = paths[req.url ?? ''];
    if (body === undefined) res.writeHead(404, flavor).end('not found');
    else res.writeHead(200, { 'content-type': 'application/text', ...flavor }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('GceMetadataClient', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (stops.length) await stops.pop()!();
  });

  it('reads instance/preempted with the Metadata-Flavor header', async () => {
    const md = await startMetadata({ '/computeMetadata/v1/instance/preempted': 'FALSE' });
    stops.push(md.stop);
    const client = new GceMetadataClient({ baseUrl: md.url });
    expect(await client.isPreempted()).toBe(false);
    expect(await client.preemptionNotice('h100-spot-0')).toBeUndefined();
    expect(md.seen.map((s) => [s.path, s.headers['metadata-flavor']])).toEqual([
      ['/computeMetadata/v1/instance/preempted', 'Google'],
      ['/computeMetadata/v1/instance/preempted', 'Google'],
    ]);
  });

  it('turns TRUE into a notice with the <zone>/<name> id and a 30 s deadline', async () => {
    const md = await startMetadata({
      '/computeMetadata/v1/instance/preempted': 'TRUE',
      '/computeMetadata/v1/instance/zone': 'projects/123456789/zones/us-central1-a',
      '/computeMetadata/v1/instance/name': 'h100-spot-0',
    });
    stops.push(md.stop);
    const client = new GceMetadataClient({ baseUrl: `${md.url}/`, now: () => new Date('2026-03-01T08:00:00Z') });
    expect(await client.preemptionNotice('h100-spot-0')).toEqual({
      instanceId: 'us-central1-a/h100-spot-0',
      node: 'h100-spot-0',
      deadline: new Date('2026-03-01T08:00:30Z'),
    });
  });

  it('refuses an answer that did not come from the metadata server', async () => {
    const md = await startMetadata({ '/computeMetadata/v1/instance/preempted': 'TRUE' }, { flavorHeader: false });
    stops.push(md.stop);
    await expect(new GceMetadataClient({ baseUrl: md.url }).isPreempted()).rejects.toThrow(/lacks Metadata-Flavor: Google/);
  });

  it('reports HTTP errors and unreachable servers with the URL', async () => {
    const md = await startMetadata({});
    stops.push(md.stop);
    await expect(new GceMetadataClient({ baseUrl: md.url }).get('instance/nope')).rejects.toThrow(`GCE metadata GET ${md.url}/computeMetadata/v1/instance/nope answered HTTP 404`);
    const gone = await startMetadata({});
    await gone.stop();
    await expect(new GceMetadataClient({ baseUrl: gone.url }).isPreempted()).rejects.toThrow(/failed/);
  });
});
