import { NodePhase, Replica, ReplicaPhase } from '@helios/api';
import { REPO_ROOT, launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { Keys, ResourceStore, connectEtcd, type Etcd3 } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

describe('apps/node-agent as a process', () => {
  let client: Etcd3;
  let proc: ComponentProcess | undefined;
  // Every agent started, so none outlives the file whatever a test left running.
  const launched: ComponentProcess[] = [];
  beforeAll(() => {
    client = connectEtcd(inject('etcdEndpoint'));
  });
  afterAll(async () => {
    await Promise.all(launched.map((p) => p.stop('SIGKILL')));
    client.close();
  });

  const launchAgent = (root: string, node: string, logFile: string, extra: string[] = [], ttlSeconds = 5) => {
    const agent = launchComponent({
      name: 'node-agent',
      entry: 'apps/node-agent/src/main.ts',
      args: ['--etcd', inject('etcdEndpoint'), '--cell', 'c1', '--pool', 'l4', '--node', node, '--tier', 'preemptible', '--gpu-type', 'l4', '--gpus', '2', '--root', root, ...extra],
      // A PATH without nvidia-smi keeps the inventory simulated on any machine.
      env: { HELIOS_NODE_LEASE_TTL: String(ttlSeconds), HELIOS_LOG_FORMAT: 'json', PATH: '/nonexistent' },
      logFile,
    });
    launched.push(agent);
    return agent;
  };

  it('registers its Node Ready, and on SIGTERM revokes its lease and exits 0', async () => {
    const root = `/t/${randomUUID()}/helios/v1`;
    const keys = new Keys(root);
    const store = new ResourceStore(client, keys);
    const logFile = join(mkdtempSync(join(tmpdir(), 'helios-node-agent-')), 'node-agent.log');
    proc = launchAgent(root, 'proc-node', logFile);
    const heartbeat = Buffer.from(keys.heartbeat('c1', 'proc-node'));
    const node = await waitFor(
      `the node Ready (log: ${logFile})`,
      async () => {
        const n = await store.get('node', 'proc-node', 'c1');
        return n?.status?.phase === NodePhase.NODE_PHASE_READY ? n : undefined;
      },
      30_000,
    );
    expect(node.spec).toMatchObject({ pool: 'l4', gpuType: 'l4', gpus: 2 });
    expect((await client.kv.range({ key: heartbeat })).kvs).toHaveLength(1);

    expect(await proc.stop('SIGTERM')).toBe(0);
    // Checked right after exit, well inside the 5 s TTL: the key went with the revoke, not an expiry.
    expect((await client.kv.range({ key: heartbeat })).kvs).toHaveLength(0);
    expect(readFileSync(logFile, 'utf8')).toContain('lease revoked');
  });

  it('runs a replica bound to its node as a child process, and stops it when it exits', async () => {
    const root = `/t/${randomUUID()}/helios/v1`;
    const store = new ResourceStore(client, new Keys(root));
    const logFile = join(mkdtempSync(join(tmpdir(), 'helios-node-agent-')), 'node-agent.log');
    // Replicas (the model server) listen on loopback: so is the address the node reports.
    proc = launchAgent(root, 'gpu-host', logFile, ['--address', '127.0.0.1']);
    await waitFor(`the node Ready (log: ${logFile})`, async () => (await store.get('node', 'gpu-host', 'c1'))?.status?.phase === NodePhase.NODE_PHASE_READY, 30_000);
    await store.create(
      'replica',
      Replica.fromPartial({
        metadata: { name: 'chat-1', uid: randomUUID() },
        spec: {
          deployment: 'chat',
          revision: 1,
          cell: 'c1',
          node: 'gpu-host',
          gpuIndices: [1],
          template: {
            command: [process.execPath, '--require', require.resolve('tsx/cjs'), 'apps/model-server/src/main.ts', '--version', 'v5'],
            readinessProbe: { path: '/healthz', periodSeconds: 1 },
            env: { TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.json') },
          },
        },
        status: { phase: ReplicaPhase.REPLICA_PHASE_BOUND },
      }),
    );
    const ready = await waitFor(`the replica Ready (log: ${logFile})`, async () => {
      const r = await store.get('replica', 'chat-1', 'chat');
      return r?.status?.phase === ReplicaPhase.REPLICA_PHASE_READY ? r : undefined;
    }, 30_000);
    expect(ready.status?.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    const url = `http://${ready.status!.endpoint}`;
    expect(await (await fetch(`${url}/v1/infer?input=q`)).json()).toEqual({ version: 'v5', replica: 'chat-1', output: 'v5:q' });

    expect(await proc.stop('SIGTERM')).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('fences itself after a partition: frozen past its TTL, it comes back on a new lease and stops the replica no longer bound to it', async () => {
    const root = `/t/${randomUUID()}/helios/v1`;
    const keys = new Keys(root);
    const store = new ResourceStore(client, keys);
    const logFile = join(mkdtempSync(join(tmpdir(), 'helios-node-agent-')), 'node-agent.log');
    proc = launchAgent(root, 'frozen-host', logFile, ['--address', '127.0.0.1'], 2);
    const registered = await waitFor(`the node Ready (log: ${logFile})`, async () => {
      const n = await store.get('node', 'frozen-host', 'c1');
      return n?.status?.phase === NodePhase.NODE_PHASE_READY ? n : undefined;
    }, 30_000);
    const firstLease = registered.status!.leaseId;
    await store.create(
      'replica',
      Replica.fromPartial({
        metadata: { name: 'chat-2', uid: randomUUID() },
        spec: {
          deployment: 'chat',
          revision: 1,
          cell: 'c1',
          node: 'frozen-host',
          gpuIndices: [0],
          template: {
            command: [process.execPath, '--require', require.resolve('tsx/cjs'), 'apps/model-server/src/main.ts'],
            readinessProbe: { path: '/healthz', periodSeconds: 1 },
            env: { TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.json') },
          },
        },
        status: { phase: ReplicaPhase.REPLICA_PHASE_BOUND },
      }),
    );
    const ready = await waitFor(`the replica Ready (log: ${logFile})`, async () => {
      const r = await store.get('replica', 'chat-2', 'chat');
      return r?.status?.phase === ReplicaPhase.REPLICA_PHASE_READY ? r : undefined;
    }, 30_000);
    const url = `http://${ready.status!.endpoint}`;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    // A partition, as the agent sees it: it cannot renew, and etcd expires its lease.
    const heartbeat = Buffer.from(keys.heartbeat('c1', 'frozen-host'));
    process.kill(proc.child.pid!, 'SIGSTOP');
    try {
      await waitFor('the lease to expire', async () => (await client.kv.range({ key: heartbeat })).kvs.length === 0, 15_000, 100);
      // Meanwhile the control plane gave the work to another node.
      await store.mutate('replica', 'chat-2', 'chat', (r) => ({ ...r, spec: { ...r.spec!, node: 'other-host', gpuIndices: [0] }, status: { ...r.status!, phase: ReplicaPhase.REPLICA_PHASE_BOUND, endpoint: '' } }));
      // The replica still runs: its agent is frozen, not dead, and nothing else may stop it.
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      process.kill(proc.child.pid!, 'SIGCONT');
    }

    const back = await waitFor(`the node Ready on a new lease (log: ${logFile})`, async () => {
      const n = await store.get('node', 'frozen-host', 'c1');
      return n?.status?.phase === NodePhase.NODE_PHASE_READY && n.status.leaseId !== firstLease ? n : undefined;
    }, 20_000, 100);
    const [kv] = (await client.kv.range({ key: heartbeat })).kvs;
    expect(kv?.lease).toBe(back.status!.leaseId);
    await waitFor('the replica it no longer holds stopped', () => fetch(`${url}/healthz`).then(() => false, () => true), 20_000, 100);
    // Left to the node it is bound to now.
    expect((await store.get('replica', 'chat-2', 'chat'))?.spec?.node).toBe('other-host');
  });

  it('kills, when it starts, the replica processes a SIGKILLed predecessor on the host left running', async () => {
    const root = `/t/${randomUUID()}/helios/v1`;
    const store = new ResourceStore(client, new Keys(root));
    const dir = mkdtempSync(join(tmpdir(), 'helios-node-agent-'));
    const stateDir = join(dir, 'state');
    const pidFile = join(dir, 'replica.pid');
    const launch = (n: number) => launchAgent(root, 'crashy-host', join(dir, `node-agent-${n}.log`), ['--address', '127.0.0.1', '--state-dir', stateDir]);
    proc = launch(1);
    await waitFor(`the node Ready (log: ${dir})`, async () => (await store.get('node', 'crashy-host', 'c1'))?.status?.phase === NodePhase.NODE_PHASE_READY, 30_000);
    // A server that, unlike the model server, does not notice its agent is gone.
    await store.create(
      'replica',
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
