import { afterEach, describe, expect, it } from 'vitest';
import { createModelServer, type ModelServer, type ModelServerOptions } from './model-server';

describe('createModelServer', () => {
  const running: ModelServer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((m) => m.shutdown()));
  });

  const serve = async (over: Partial<ModelServerOptions> = {}, now?: () => number): Promise<string> => {
    const model = createModelServer({ version: 'v7', replica: 'web-1', latencyMs: 0, startupDelayMs: 0, failReadiness: false, ...over }, now);
    running.push(model);
    const port = await model.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${port}`;
  };

  it('answers /healthz and reports its version', async () => {
    const base = await serve();
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-version')).toBe('v7');
    expect(await res.json()).toEqual({ status: 'ok', version: 'v7', inFlight: 0 });
  });

  it('infers on GET and POST with its version and replica', async () => {
    const base = await serve();
    const get = await fetch(`${base}/v1/infer?input=hello`);
    expect(get.headers.get('x-model-version')).toBe('v7');
    expect(await get.json()).toEqual({ version: 'v7', replica: 'web-1', output: 'v7:hello' });
    const post = await fetch(`${base}/v1/infer`, { method: 'POST', body: JSON.stringify({ input: 'world' }) });
    expect(await post.json()).toEqual({ version: 'v7', replica: 'web-1', output: 'v7:world' });
    const raw = await fetch(`${base}/v1/infer`, { method: 'POST', body: 'plain text' });
    expect(((await raw.json()) as { output: string }).output).toBe('v7:plain text');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('is not ready until its startup delay has passed', async () => {
    let time = 1_000;
    const base = await serve({ startupDelayMs: 5_000 }, () => time);
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    expect((await fetch(`${base}/v1/infer`)).status).toBe(503);
    time += 5_000;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('fails readiness for good as a broken version', async () => {
    const base = await serve({ failReadiness: true });
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'broken', version: 'v7', inFlight: 0 });
  });

  it('finishes a request in flight when shut down, and accepts no new connection', async () => {
    const model = createModelServer({ version: 'v1', replica: 'r', latencyMs: 300, startupDelayMs: 0, failReadiness: false });
    const port = await model.listen(0, '127.0.0.1');
    const pending = fetch(`http://127.0.0.1:${port}/v1/infer?input=x`);
    // Shut down only once the request is being handled.
    for (let i = 0; i < 200 && model.inFlight === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(model.inFlight).toBe(1);
    const closed = model.shutdown();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    expect(((await res.json()) as { output: string }).output).toBe('v1:x');
    await closed;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
