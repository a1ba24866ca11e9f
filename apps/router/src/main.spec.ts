import { FakeEndpointsServer } from '@helios/endpoints-client';
import { freePort } from '@helios/etcd-process';
import { launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

describe('apps/router as a process', () => {
  let proc: ComponentProcess | undefined;
  let control: FakeEndpointsServer | undefined;
  afterAll(async () => {
    await proc?.stop('SIGKILL');
    await control?.stop();
  });

  it('follows the control plane for its deployment, answers 503 with no endpoint, and exits 0 on SIGTERM', async () => {
    control = await FakeEndpointsServer.start();
    const port = await freePort();
    const logFile = join(mkdtempSync(join(tmpdir(), 'helios-router-')), 'router.log');
    proc = launchComponent({
      name: 'router',
      entry: 'apps/router/src/main.ts',
      args: ['--listen', `127.0.0.1:${port}`, '--server', control.address, '--deployment', 'chat', '--retries', '2', '--hold-timeout-ms', '0'],
      env: { HELIOS_LOG_FORMAT: 'json' },
      logFile,
    });
    const base = `http://127.0.0.1:${port}`;
    const health = await waitFor(`the router healthy (log: ${logFile})`, async () => {
      const res = await fetch(`${base}/router/healthz`);
      return res.ok ? res.json() : undefined;
    }, 30_000, 100);
    expect(health).toEqual({ ready: true, deployment: 'chat', endpoints: 0 });
    expect(control.requests).toEqual(['chat']);
    expect((await fetch(`${base}/v1/infer`)).status).toBe(503);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('helios_router_requests_total{code="503"} 1');
    expect(await proc.stop('SIGTERM')).toBe(0);
    expect(readFileSync(logFile, 'utf8')).toContain('router listening');
  });
});
