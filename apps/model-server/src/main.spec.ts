import { freePort } from '@helios/etcd-process';
import { launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

describe('apps/model-server as a process', () => {
  let proc: ComponentProcess | undefined;
  afterAll(async () => {
    await proc?.stop('SIGKILL');
  });

  it('serves with its flags and environment, and on SIGTERM finishes the request in flight and exits 0', async () => {
    const port = await freePort();
    const logFile = join(mkdtempSync(join(tmpdir(), 'helios-model-server-')), 'model-server.log');
    proc = launchComponent({
      name: 'model-server',
      entry: 'apps/model-server/src/main.ts',
      args: ['--version', 'v3', '--latency-ms', '400'],
      env: { PORT: String(port), HELIOS_REPLICA: 'web-abc', HELIOS_LOG_FORMAT: 'json' },
      logFile,
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`the model server to be ready (log: ${logFile})`, async () => (await fetch(`${base}/healthz`)).ok, 30_000, 100);

    const inFlight = fetch(`${base}/v1/infer?input=q`);
    await waitFor('the request to be in flight', async () => ((await (await fetch(`${base}/healthz`)).json()) as { inFlight: number }).inFlight === 1, 5_000, 10);
    const exit = proc.stop('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-version')).toBe('v3');
    expect(await res.json()).toEqual({ version: 'v3', replica: 'web-abc', output: 'v3:q' });
    expect(await exit).toBe(0);
    expect(readFileSync(logFile, 'utf8')).toContain('finishing requests in flight');
  });
});
