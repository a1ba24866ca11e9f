import type { Endpoint } from '@helios/api';
import { createLogger } from '@helios/config';
import { EndpointSet, FakeEndpointsServer } from '@helios/endpoints-client';
import { freePort } from '@helios/etcd-process';
import { launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterMetrics } from './router-metrics';
import { RequestHold } from './request-hold';
import { createRouter } from './router-server';

describe('router over a live endpoint set', () => {
  const logger = createLogger('router-test', 'silent');
  let control: FakeEndpointsServer;
  let endpoints: EndpointSet;
  const models: ComponentProcess[] = [];
  const routers: Server[] = [];
  const ep: Record<string, Endpoint> = {};

  /** Starts a model server process answering as `replica`. */
  const model = async (replica: string): Promise<Endpoint> => {
    const port = await freePort();
    models.push(launchComponent({ name: replica, entry: 'apps/model-server/src/main.ts', args: ['--version', 'v1'], env: { PORT: String(port), HELIOS_REPLICA: replica, HELIOS_LOG_LEVEL: 'warn' } }));
    return { replica, address: `127.0.0.1:${port}`, revision: 1, cell: 'c1', node: 'n1' };
  };

  // Ejection off unless a test is about it, so each request's path through the set is plain round-robin.
  const route = async (retries: number, ejectMs = 0, hold?: RequestHold): Promise<{ url: string; metrics: RouterMetrics }> => {
    const metrics = new RouterMetrics(() => endpoints.list().length);
    const server = createRouter({ deployment: 'web', endpoints, metrics, retries, logger, ejectMs, hold });
    routers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, metrics };
  };

  const infer = async (url: string) => {
    const res = await fetch(`${url}/v1/infer?input=x`);
    const body = (await res.json()) as { replica?: string; error?: string };
    return { status: res.status, replica: body.replica, header: res.headers.get('x-helios-replica') };
  };
  const inferMany = async (url: string, n: number) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await infer(url));
    return out;
  };
  const setTo = async (...list: Endpoint[]) => {
    control.set('web', list);
    const want = list.map((e) => e.replica).sort().join();
    await waitFor(`the set ${want}`, () => endpoints.list().map((e) => e.replica).join() === want, 5_000, 10);
  };
  const counter = async (metrics: RouterMetrics, name: string, labels: Record<string, string> = {}) => {
    const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
    const match = metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
    return Number(match?.value ?? 0);
  };

  beforeAll(async () => {
    control = await FakeEndpointsServer.start();
    ep.a = await model('web-a');
    ep.b = await model('web-b');
    ep.dead = { replica: 'web-dead', address: `127.0.0.1:${await freePort()}`, revision: 1, cell: 'c1', node: 'n2' };
    for (const e of [ep.a, ep.b]) await waitFor(`${e.replica} to serve`, async () => (await fetch(`http://${e.address}/healthz`)).ok, 30_000, 100);
    endpoints = new EndpointSet({ servers: control.address, deployment: 'web', logger }).start();
    await endpoints.ready(5_000);
  });
  afterAll(async () => {
    await Promise.all(routers.map((r) => new Promise((resolve) => r.close(resolve))));
    endpoints?.close();
    await control?.stop();
    await Promise.all(models.map((m) => m.stop('SIGTERM', 2_000)));
  });

  it('takes turns over the set and proxies the answer', async () => {
    const { url, metrics } = await route(1);
    await setTo(ep.a!, ep.b!);
    const answers = await inferMany(url, 6);
    expect(answers.every((a) => a.status === 200 && a.header === a.replica)).toBe(true);
    const order = answers.map((a) => a.replica);
    expect(order.filter((r) => r === 'web-a')).toHaveLength(3);
    expect(order.slice(1).every((r, i) => r !== order[i])).toBe(true);
    expect(await counter(metrics, 'helios_router_requests_total', { code: '200' })).toBe(6);
  });

  it('forwards method and body', async () => {
    const { url } = await route(1);
    await setTo(ep.a!);
    const res = await fetch(`${url}/v1/infer`, { method: 'POST', body: JSON.stringify({ input: 'hello' }), headers: { 'content-type': 'application/json' } });
    expect(res.headers.get('x-model-version')).toBe('v1');
    expect(await res.json()).toEqual({ version: 'v1', replica: 'web-a', output: 'v1:hello' });
  });

  it('sends nothing more to an endpoint removed from the set', async () => {
    const { url, metrics } = await route(1);
    await setTo(ep.a!, ep.b!);
    await inferMany(url, 2);
    const before = await counter(metrics, 'helios_router_upstream_requests_total', { replica: 'web-b' });
    control.remove('web', 'web-b');
    await waitFor('web-b out of the set', () => endpoints.list().length === 1, 5_000, 10);
    const answers = await inferMany(url, 4);
    expect(answers.map((a) => a.replica)).toEqual(['web-a', 'web-a', 'web-a', 'web-a']);
    expect(await counter(metrics, 'helios_router_upstream_requests_total', { replica: 'web-b' })).toBe(before);
  });

  it('retries a request on another endpoint when one refuses the connection', async () => {
    const { url, metrics } = await route(1);
    await setTo(ep.a!, ep.dead!);
    const answers = await inferMany(url, 4);
    expect(answers.map((a) => [a.status, a.replica])).toEqual(Array.from({ length: 4 }, () => [200, 'web-a']));
    expect(await counter(metrics, 'helios_router_retries_total')).toBe(2);
    expect(await counter(metrics, 'helios_router_upstream_errors_total', { error: 'ECONNREFUSED' })).toBe(2);
  });

  it('ejects an endpoint that refused a connection, so later requests skip it without a retry', async () => {
    const { url, metrics } = await route(0, 60_000);
    await setTo(ep.a!, ep.dead!);
    const answers = await inferMany(url, 6);
    // One request may reach the dead endpoint before it is known dead; none after that.
    expect(answers.filter((a) => a.status === 502).length).toBeLessThanOrEqual(1);
    expect(answers.filter((a) => a.status === 200 && a.replica === 'web-a').length).toBeGreaterThanOrEqual(5);
    expect(await counter(metrics, 'helios_router_upstream_requests_total', { replica: 'web-dead' })).toBeLessThanOrEqual(1);
  });

  it('still tries ejected endpoints when every endpoint is ejected', async () => {
    const { url, metrics } = await route(0, 60_000);
    await setTo(ep.dead!);
    expect((await inferMany(url, 3)).map((a) => a.status)).toEqual([502, 502, 502]);
    expect(await counter(metrics, 'helios_router_upstream_requests_total', { replica: 'web-dead' })).toBe(3);
  });

  it('answers 502 when retries are off and the chosen endpoint is dead', async () => {
    const { url } = await route(0);
    await setTo(ep.a!, ep.dead!);
    const statuses = (await inferMany(url, 2)).map((a) => a.status).sort();
    expect(statuses).toEqual([200, 502]);
  });

  it('answers 503 when the set is empty, and reports its health and metrics', async () => {
    const { url } = await route(1);
    await setTo();
    const res = await fetch(`${url}/v1/infer`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'no ready endpoint for deployment web' });
    const health = await fetch(`${url}/router/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ready: true, deployment: 'web', endpoints: 0 });
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('helios_router_requests_total{code="503"} 1');
    expect(text).toContain('helios_router_endpoints 0');
  });

  it('holds requests while the set is empty and forwards them once a replica is Ready; past the bound it answers 503', async () => {
    const hold = new RequestHold({ maxHeld: 2, timeoutMs: 60_000 });
    const unsubscribe = endpoints.on('change', (change) => change.endpoints.length > 0 && hold.release());
    try {
      const { url } = await route(1, 0, hold);
      await setTo();
      const first = infer(url);
      const second = infer(url);
      await waitFor('two requests held', () => hold.size === 2, 5_000, 10);
      const third = await fetch(`${url}/v1/infer`);
      expect(third.status).toBe(503);
      expect(await third.json()).toEqual({ error: 'no ready endpoint for deployment web, and 2 requests already wait for one' });
      await setTo(ep.a!);
      expect(await Promise.all([first, second])).toEqual([
        { status: 200, replica: 'web-a', header: 'web-a' },
        { status: 200, replica: 'web-a', header: 'web-a' },
      ]);
    } finally {
      unsubscribe();
    }
  });

  it('answers 503 for a held request no replica came for in time', async () => {
    const { url } = await route(1, 0, new RequestHold({ maxHeld: 10, timeoutMs: 50 }));
    await setTo();
    const res = await fetch(`${url}/v1/infer`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'no endpoint of deployment web became ready while the request waited' });
  });
});
