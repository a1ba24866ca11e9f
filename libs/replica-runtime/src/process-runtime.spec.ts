import { ReplicaTemplate } from '@helios/api';
import { createLogger } from '@helios/config';
import { REPO_ROOT, waitFor } from '@helios/launcher';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trackedGroups } from './process-group';
import { ProcessRuntime } from './process-runtime';
import type { ReplicaLaunch, ReplicaRun, RunPhase, RunState } from './replica-runtime';

/**
 * A small HTTP server started with `node -e` (fast, no TypeScript): answers /healthz (503 with
 * FAIL_HEALTH=1), and any other path with its pid and environment; exits 0 on SIGTERM unless
 * IGNORE_TERM=1.
 */
const ECHO_SERVER = `
const http = require('http');
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') { res.statusCode = process.env.FAIL_HEALTH === '1' ? 503 : 200; return res.end(); }
  const pick = ['CUDA_VISIBLE_DEVICES', 'PORT', 'HELIOS_DEPLOYMENT', 'HELIOS_REPLICA', 'HELIOS_REVISION', 'MODEL'];
  res.end(JSON.stringify({ pid: process.pid, env: Object.fromEntries(pick.map((k) => [k, process.env[k]])) }));
});
process.on('SIGTERM', () => { if (process.env.IGNORE_TERM !== '1') process.exit(0); });
server.listen(Number(process.env.PORT), '127.0.0.1');
`;

describe('ProcessRuntime', () => {
  const runtime = new ProcessRuntime({
    cwd: REPO_ROOT,
    restartPolicy: { baseMs: 100, maxMs: 400, resetAfterMs: 60_000 },
    logger: createLogger('replica-runtime-test', 'silent'),
  });
  afterAll(async () => {
    await runtime.close(1_000);
  });

  const launch = (command: string[], over: Partial<ReplicaTemplate> = {}): ReplicaLaunch => ({
    deployment: 'web',
    replica: `web-${randomUUID().slice(0, 6)}`,
    uid: randomUUID(),
    revision: 3,
    template: ReplicaTemplate.fromPartial({ command, port: 0, readinessProbe: { path: '/healthz', periodSeconds: 1, failureThreshold: 2 }, ...over }),
    gpuIndices: [1, 3],
  });
  const echo = (env: Record<string, string> = {}) => launch([process.execPath, '-e', ECHO_SERVER], { env });

  /** Records every phase a run goes through, so short phases (a 100 ms backoff) are not missed. */
  const record = (run: ReplicaRun): RunPhase[] => {
    const phases: RunPhase[] = [run.state.phase];
    run.onChange((s) => {
      if (phases.at(-1) !== s.phase) phases.push(s.phase);
    });
    return phases;
  };
  const until = (run: ReplicaRun, what: string, check: (s: RunState) => boolean): Promise<RunState> =>
    waitFor(`${what} (state: ${JSON.stringify(run.state)})`, () => (check(run.state) ? run.state : undefined), 20_000, 20);
  const get = async (port: number, path = '/') => (await fetch(`http://127.0.0.1:${port}${path}`)).json() as Promise<Record<string, unknown>>;

  it('runs the model server on an allocated port and reports it ready', async () => {
    const l = launch([process.execPath, '--require', require.resolve('tsx/cjs'), 'apps/model-server/src/main.ts', '--version', 'v9'], {
      env: { TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.json'), HELIOS_LOG_LEVEL: 'warn' },
    });
    const run = runtime.start(l);
    const phases = record(run);
    const ready = await until(run, 'the model server ready', (s) => s.phase === 'ready');
    expect(ready).toMatchObject({ restarts: 0, reason: 'Ready' });
    expect(ready.port).toBeGreaterThan(0);
    expect(phases).toEqual(['starting', 'ready']);
    const res = await fetch(`http://127.0.0.1:${ready.port}/v1/infer?input=a`);
    expect(await res.json()).toEqual({ version: 'v9', replica: l.replica, output: 'v9:a' });
    expect(await run.stop({ drainMs: 0, graceMs: 5_000 })).toEqual({ signal: 'SIGTERM', exitCode: 0, exitSignal: null });
  });

  it('gives the process its GPUs, port and identity, which the template cannot override', async () => {
    const l = echo({ MODEL: 'llama', PORT: '1', CUDA_VISIBLE_DEVICES: '0,1,2,3' });
    const run = runtime.start(l);
    const { port } = await until(run, 'ready', (s) => s.phase === 'ready');
    expect((await get(port)).env).toEqual({ CUDA_VISIBLE_DEVICES: '1,3', PORT: String(port), HELIOS_DEPLOYMENT: 'web', HELIOS_REPLICA: l.replica, HELIOS_REVISION: '3', MODEL: 'llama' });
    await run.stop({ drainMs: 0, graceMs: 1_000 });
  });

  it('restarts a process that dies after a backoff and counts the restart', async () => {
    const run = runtime.start(echo());
    const phases = record(run);
    const first = await until(run, 'ready', (s) => s.phase === 'ready');
    process.kill(first.pid!, 'SIGKILL');
    const again = await until(run, 'ready again after a restart', (s) => s.phase === 'ready' && s.restarts === 1);
    expect(again.pid).not.toBe(first.pid);
    expect(phases).toEqual(['starting', 'ready', 'backoff', 'starting', 'ready']);
    expect((await get(again.port)).pid).toBe(again.pid);
    await run.stop({ drainMs: 0, graceMs: 1_000 });
  });

  it('says why a process exited and keeps restarting it with a growing count', async () => {
    const run = runtime.start(launch([process.execPath, '-e', "console.error('model file missing'); process.exit(3)"]));
    const failed = await until(run, 'a backoff after the exit', (s) => s.phase === 'backoff');
    expect(failed.reason).toBe('Crashed');
    expect(failed.message).toMatch(/^exited with code 3 \(stderr: model file missing\); restarting in \d+ ms$/);
    await until(run, 'two restarts', (s) => s.restarts >= 2);
    await run.stop({ drainMs: 0, graceMs: 1_000 });
  });

  it('reports a process that never passes its readiness probe', async () => {
    const run = runtime.start(echo({ FAIL_HEALTH: '1' }));
    // Until the server listens the probe fails with ECONNREFUSED; the answer that matters is its 503.
    const state = await until(run, 'the probe failing with HTTP 503', (s) => s.reason === 'ReadinessProbeFailed' && s.message.includes('HTTP'));
    expect(state).toMatchObject({ phase: 'starting', message: 'GET /healthz: HTTP 503' });
    await run.stop({ drainMs: 0, graceMs: 1_000 });
  });

  it('drains before SIGTERM: the process serves on while stopping, then exits cleanly', async () => {
    const run = runtime.start(echo());
    const { port, pid } = await until(run, 'ready', (s) => s.phase === 'ready');
    const stopped = run.stop({ drainMs: 1_500, graceMs: 5_000 });
    expect(run.state.phase).toBe('stopping');
    // Still serving during the drain: it has not been sent SIGTERM (on which it exits).
    expect((await get(port)).pid).toBe(pid);
    expect(await stopped).toEqual({ signal: 'SIGTERM', exitCode: 0, exitSignal: null });
    expect(run.state.phase).toBe('stopped');
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('SIGKILLs a process that ignores SIGTERM once the grace period is over', async () => {
    const run = runtime.start(echo({ IGNORE_TERM: '1' }));
    await until(run, 'ready', (s) => s.phase === 'ready');
    expect(await run.stop({ drainMs: 0, graceMs: 300 })).toEqual({ signal: 'SIGKILL', exitCode: null, exitSignal: 'SIGKILL' });
  });

  it('lets a second stop cut a long drain short', async () => {
    const run = runtime.start(echo());
    await until(run, 'ready', (s) => s.phase === 'ready');
    const first = run.stop({ drainMs: 600_000, graceMs: 600_000 });
    const second = run.stop({ drainMs: 0, graceMs: 1_000 });
    expect(second).toBe(first);
    expect(await first).toEqual({ signal: 'SIGTERM', exitCode: 0, exitSignal: null });
  });

  it('stops at once, without a drain, a run waiting out its restart backoff', async () => {
    const slow = new ProcessRuntime({ restartPolicy: { baseMs: 600_000, maxMs: 600_000, resetAfterMs: 600_000 }, logger: createLogger('t', 'silent') });
    const run = slow.start(launch([process.execPath, '-e', 'process.exit(1)']));
    await until(run, 'a backoff', (s) => s.phase === 'backoff');
    expect(await run.stop({ drainMs: 600_000, graceMs: 600_000 })).toEqual({ signal: 'none', exitCode: null, exitSignal: null });
    expect(slow.size).toBe(0);
  });

  it('stops everything a shell wrapper started: the whole process group gets the signal', async () => {
    const run = runtime.start(launch(['sh', '-c', `"${process.execPath}" -e "$SERVER" & wait`], { env: { SERVER: ECHO_SERVER } }));
    const { port } = await until(run, 'ready', (s) => s.phase === 'ready');
    const server = (await get(port)).pid as number;
    await run.stop({ drainMs: 0, graceMs: 2_000 });
    await waitFor('the server behind the shell to be gone', () => !isAlive(server), 5_000, 20);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('reports a command that cannot start, and a template without a command', async () => {
    const missing = runtime.start(launch(['/nonexistent/model-server']));
    const state = await until(missing, 'a failed start', (s) => s.phase === 'backoff');
    expect(state.reason).toBe('StartFailed');
    expect(state.message).toContain('ENOENT');
    await missing.stop({ drainMs: 0, graceMs: 0 });

    const empty = runtime.start(launch([]));
    expect(empty.state).toMatchObject({ phase: 'stopped', reason: 'NoCommand' });
  });

  it('leaves no process group behind once every run has stopped', async () => {
    await runtime.close(1_000);
    expect(runtime.size).toBe(0);
    expect(trackedGroups()).toBe(0);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
