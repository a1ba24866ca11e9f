import { Replica, ReplicaPhase } from '@helios/api';
import { REPO_ROOT, launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { FakeControlPlane, type FakeNodeServer } from '@helios/node-client/testing';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The agent is a real process; the control plane is the in-memory node API (FakeControlPlane):
// what the agent sends and how it reacts is what is checked here. test/e2e runs it against the
// real control plane.
describe('apps/node-agent as a process', () => {
  let plane: FakeControlPlane;
  let servers: FakeNodeServer[];
  let proc: ComponentProcess | undefined;
  // Every agent started, so none outlives the file whatever a test left running.
  const launched: ComponentProcess[] = [];
  beforeAll(async () => {
    plane = new FakeControlPlane();
    plane.leaseTtlSeconds = 5;
    servers = [await plane.serve(), await plane.serve()];
  });
  afterAll(async () => {
    await Promise.all(launched.map((p) => p.stop('SIGKILL')));
    await plane.close();
  });

  const launchAgent = (node: string, logFile: string, extra: string[] = [], ttlSeconds = 5) => {
    const agent = launchComponent({
      name: 'node-agent',
      entry: 'apps/node-agent/src/main.ts',
      args: ['--control-plane', servers.map((s) => s.address).join(','), '--pool', 'l4', '--node', node, '--tier', 'preemptible', '--gpu-type', 'l4', '--gpus', '2', ...extra],
      // A PATH without nvidia-smi keeps the inventory simulated on any machine.
      env: { HELIOS_NODE_LEASE_TTL: String(ttlSeconds), HELIOS_LOG_FORMAT: 'json', PATH: '/nonexistent' },
      logFile,
    });
    launched.push(agent);
    return agent;
  };
  const tokenFile = (dir: string, uses = 1): string => {
    const path = join(dir, 'token');
    writeFileSync(path, `${plane.issueToken('c1', uses)}\n`);
    return path;
  };
  const registered = (node: string, logFile: string, not?: string) =>
    waitFor(`node ${node} registered (log: ${logFile})`, () => {
      const n = plane.node(node);
      return n && n.leaseId !== not ? n : undefined;
    }, 30_000, 50);

  const modelReplica = (name: string, node: string, version = 'v5'): Replica =>
    Replica.fromPartial({
      metadata: { name, uid: randomUUID() },
      spec: {
        deployment: 'chat',
        revision: 1,
        cell: 'c1',
        node,
        gpuIndices: [1],
        template: {
          command: [process.execPath, '--require', require.resolve('tsx/cjs'), 'apps/model-server/src/main.ts', '--version', version],
          readinessProbe: { path: '/healthz', periodSeconds: 1 },
          env: { TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.json') },
        },
      },
      status: { phase: ReplicaPhase.REPLICA_PHASE_BOUND },
    });
  const readyReplica = (node: string, name: string, logFile: string) =>
    waitFor(`replica ${name} Ready (log: ${logFile})`, () => {
      const r = plane.replica(node, 'chat', name);
      return r?.status?.phase === ReplicaPhase.REPLICA_PHASE_READY ? r : undefined;
    }, 30_000, 50);

  it('joins with its token file, keeps the credential in its state dir, and a restarted agent registers with it alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helios-node-agent-'));
    const stateDir = join(dir, 'state');
    const logFile = join(dir, 'node-agent-1.log');
    proc = launchAgent('proc-node', logFile, ['--token-file', tokenFile(dir), '--state-dir', stateDir, '--runtime', 'none']);
    const first = await registered('proc-node', logFile);
    expect(first.cell).toBe('c1');
    expect(first.facts).toMatchObject({ pool: 'l4', gpuType: 'l4', leaseTtlSeconds: 5 });
    expect(first.facts.gpus).toHaveLength(2);
    await waitFor('keep-alives', () => (plane.keepAlives.get('proc-node') ?? 0) >= 1, 30_000, 50);
    expect(existsSync(join(stateDir, 'node.credential'))).toBe(true);
    expect(await proc.stop('SIGTERM')).toBe(0);

    // No token this time (the one it had is used up): the stored credential is enough.
    proc = launchAgent('proc-node', join(dir, 'node-agent-2.log'), ['--state-dir', stateDir, '--runtime', 'none']);
    await registered('proc-node', join(dir, 'node-agent-2.log'), first.leaseId);
    expect(plane.calls.filter((c) => c.endsWith(' proc-node'))).toEqual(['join proc-node', 'register proc-node']);
    expect(await proc.stop('SIGTERM')).toBe(0);
  });

  it('exits non-zero naming the problem when the control plane refuses its token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helios-node-agent-'));
    const logFile = join(dir, 'node-agent.log');
    proc = launchAgent('refused-node', logFile, ['--token', 'abc123.wrong', '--runtime', 'none']);
    expect(await proc.exited).not.toBe(0);
    expect(readFileSync(logFile, 'utf8')).toContain('UNAUTHENTICATED');
  });

  it('runs a replica bound to its node as a child process, and stops it when it exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helios-node-agent-'));
    const logFile = join(dir, 'node-agent.log');
    // Replicas (the model server) listen on loopback: so is the address the node reports.
    proc = launchAgent('gpu-host', logFile, ['--token-file', tokenFile(dir), '--address', '127.0.0.1']);
    await registered('gpu-host', logFile);
    plane.assign('gpu-host', modelReplica('chat-1', 'gpu-host'));
    const ready = await readyReplica('gpu-host', 'chat-1', logFile);
    expect(ready.status?.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    const url = `http://${ready.status!.endpoint}`;
    expect(await (await fetch(`${url}/v1/infer?input=q`)).json()).toEqual({ version: 'v5', replica: 'chat-1', output: 'v5:q' });

    expect(await proc.stop('SIGTERM')).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('keeps its lease across the death of the control-plane replica it talks to', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helios-node-agent-'));
    const logFile = join(dir, 'node-agent.log');
    const spare = await plane.serve();
    const dying = await plane.serve();
    proc = launchComponent({
      name: 'node-agent',
      entry: 'apps/node-agent/src/main.ts',
      args: ['--control-plane', `${dying.address},${spare.address}`, '--token-file', tokenFile(dir), '--pool', 'l4', '--node', 'moving-host', '--runtime', 'none'],
      env: { HELIOS_LOG_FORMAT: 'json', PATH: '/nonexistent' },
      logFile,
    });
    launched.push(proc);
    const node = await registered('moving-host', logFile);
    await waitFor('keep-alives on the first replica', () => dying.served.has('moving-host') || spare.served.has('moving-host'), 30_000, 50);
    const [from, to] = dying.served.has('moving-host') ? [dying, spare] : [spare, dying];
    await from.kill();
    await waitFor(`keep-alives on the other replica (log: ${logFile})`, () => to.served.has('moving-host'), 30_000, 50);
    expect(plane.node('moving-host')?.leaseId).toBe(node.leaseId);
    expect(plane.calls.filter((c) => c.endsWith(' moving-host'))).toEqual(['join moving-host']);
    await proc.stop('SIGTERM');
  });

  it('fences itself after a partition: frozen past its TTL, it comes back on a new lease and stops the replica no longer bound to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helios-node-agent-'));
    const logFile = join(dir, 'node-agent.log');
    proc = launchAgent('frozen-host', logFile, ['--token-file', tokenFile(dir), '--address', '127.0.0.1'], 2);
    const first = await registered('frozen-host', logFile);
    plane.assign('frozen-host', modelReplica('chat-2', 'frozen-host'));
    const ready = await readyReplica('frozen-host', 'chat-2', logFile);
    const url = `http://${ready.status!.endpoint}`;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    // A partition, as the agent sees it: it cannot renew, and etcd expires its lease; meanwhile
    // the control plane gives the work to another node.
    process.kill(proc.child.pid!, 'SIGSTOP');
    try {
      plane.expireLease('frozen-host');
      plane.unassignSilently('frozen-host', 'chat', 'chat-2');
      // The replica still runs: its agent is frozen, not dead, and nothing else may stop it.
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      process.kill(proc.child.pid!, 'SIGCONT');
    }
    await registered('frozen-host', logFile, first.leaseId);
    await waitFor('the replica it no longer holds stopped', () => fetch(`${url}/healthz`).then(() => false, () => true), 20_000, 100);
  });

  it('kills, when it starts, the replica processes a SIGKILLed predecessor on the host left running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helios-node-agent-'));
    const stateDir = join(dir, 'state');
    const pidFile = join(dir, 'replica.pid');
    const token = tokenFile(dir);
    const launch = (n: number) => launchAgent('crashy-host', join(dir, `node-agent-${n}.log`), ['--token-file', token, '--address', '127.0.0.1', '--state-dir', stateDir]);
    proc = launch(1);
    await registered('crashy-host', dir);
    // A server that, unlike the model server, does not notice its agent is gone.
    plane.assign(
      'crashy-host',
      Replica.fromPartial({
        metadata: { name: 'stubborn-1', uid: randomUUID() },
        spec: {
          deployment: 'stubborn',
          revision: 1,
          cell: 'c1',
          node: 'crashy-host',
          gpuIndices: [0],
          template: { command: [process.execPath, '-e', "require('fs').writeFileSync(process.env.PID_FILE, String(process.pid)); setInterval(() => {}, 1000)"], env: { PID_FILE: pidFile } },
        },
        status: { phase: ReplicaPhase.REPLICA_PHASE_BOUND },
      }),
    );
    const readPid = () => {
      try {
        return Number(readFileSync(pidFile, 'utf8')) || undefined;
      } catch {
        return undefined;
      }
    };
    const first = await waitFor(`the replica running (log: ${dir})`, readPid, 30_000, 50);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };

    expect(await proc.stop('SIGKILL')).not.toBe(0);
    expect(alive(first)).toBe(true);

    // The restarted agent registers with the credential its predecessor stored (the token is used up).
    proc = launch(2);
    await waitFor('the orphan killed by the next agent', () => !alive(first), 30_000, 50);
    // The replica is still bound here: the new agent runs it again, as its only copy.
    const second = await waitFor('the replica running again', () => {
      const pid = readPid();
      return pid !== undefined && pid !== first ? pid : undefined;
    }, 30_000, 50);
    expect(alive(second)).toBe(true);
    expect(readFileSync(join(dir, 'node-agent-2.log'), 'utf8')).toContain('killed a replica process left running by an earlier agent');
    await proc.stop('SIGTERM');
    await waitFor('the replica stopped with its agent', () => !alive(second), 10_000, 50);
  });
});
