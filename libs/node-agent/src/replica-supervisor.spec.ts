import { Replica, ReplicaPhase, Tier } from '@helios/api';
import { createLogger } from '@helios/config';
import { REPO_ROOT, waitFor } from '@helios/launcher';
import { FakeControlPlane, type FakeNodeServer } from '@helios/node-client/testing';
import { ProcessRuntime } from '@helios/replica-runtime';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeAgent } from './node-agent';
import { fixtureGpus } from './testing/fixture-gpus';

const MODEL = [process.execPath, '--require', require.resolve('tsx/cjs'), 'apps/model-server/src/main.ts', '--version', 'v2'];

describe('NodeAgent running the replicas bound to it', () => {
  const logger = createLogger('replica-supervisor-test', 'silent');
  const runtime = new ProcessRuntime({ cwd: REPO_ROOT, restartPolicy: { baseMs: 100, maxMs: 500, resetAfterMs: 60_000 }, logger });
  const agents: NodeAgent[] = [];
  let plane: FakeControlPlane;
  let server: FakeNodeServer;

  beforeAll(async () => {
    plane = new FakeControlPlane();
    server = await plane.serve();
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await runtime.close(1_000);
    await plane.close();
  });

  const startAgent = async (): Promise<NodeAgent> => {
    const nodeName = `n-${randomUUID().slice(0, 8)}`;
    const a = new NodeAgent(
      { controlPlane: { addresses: [server.address], token: plane.issueToken('c1') }, logger, runtime },
      { pool: 'h100', nodeName, tier: Tier.TIER_ON_DEMAND, gpuType: 'h100', gpus: 4, leaseTtl: 2, inventory: { source: 'static', gpus: fixtureGpus(nodeName, 4) } },
    );
    agents.push(a);
    await a.start();
    return a;
  };

  // drainSeconds 2 is the window in which a retired replica must still answer; the deployment's
  // strategy reaches the node with the assignment.
  const TIMING = { drainSeconds: 2, terminationGraceSeconds: 3 };

  const bind = (node: string, command = MODEL): Replica => {
    const replica = Replica.fromPartial({
      metadata: { name: `web-${randomUUID().slice(0, 6)}`, uid: randomUUID() },
      spec: {
        deployment: 'web',
        revision: 2,
        cell: 'c1',
        node,
        gpuIndices: [0, 1],
        template: { command, port: 0, readinessProbe: { path: '/healthz', periodSeconds: 1 }, env: { TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.json'), HELIOS_LOG_LEVEL: 'warn' } },
      },
      status: { phase: ReplicaPhase.REPLICA_PHASE_BOUND },
    });
    plane.assign(node, replica, TIMING);
    return replica;
  };

  const readyReplica = (node: string, name: string) =>
    waitFor(`replica ${name} Ready`, () => {
      const r = plane.replica(node, 'web', name);
      return r?.status?.phase === ReplicaPhase.REPLICA_PHASE_READY ? r : undefined;
    }, 30_000, 50);

  const phasesReported = (name: string) => plane.reports.filter((r) => r.name === name).map((r) => r.status!.phase);
  const infer = async (endpoint: string) => (await fetch(`http://${endpoint}/v1/infer?input=hi`)).json() as Promise<{ replica: string; version: string }>;
  const refuses = async (endpoint: string) => {
    try {
      await fetch(`http://${endpoint}/healthz`);
      return false;
    } catch {
      return true;
    }
  };

  it('starts a replica bound to it, reports STARTING then READY with an endpoint that answers', async () => {
    const a = await startAgent();
    const name = bind(a.name).metadata!.name;
    const ready = await readyReplica(a.name, name);
    expect(ready.status).toMatchObject({ phase: ReplicaPhase.REPLICA_PHASE_READY, restarts: 0, reason: '' });
    expect(ready.status?.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(ready.status?.readyTime).toBeDefined();
    expect(await infer(ready.status!.endpoint)).toEqual({ version: 'v2', replica: name, output: 'v2:hi' });
    const phases = phasesReported(name);
    expect(phases.indexOf(ReplicaPhase.REPLICA_PHASE_STARTING)).toBeGreaterThan(-1);
    expect(phases.indexOf(ReplicaPhase.REPLICA_PHASE_STARTING)).toBeLessThan(phases.indexOf(ReplicaPhase.REPLICA_PHASE_READY));
    expect(a.replicas).toBe(1);
  });

  it('retires a replica in order: still serving while draining (the drain its assignment carries), then stopped and released', async () => {
    const a = await startAgent();
    const name = bind(a.name).metadata!.name;
    const ready = await readyReplica(a.name, name);
    const endpoint = ready.status!.endpoint;
    const before = plane.reports.length;

    // What the deployment controller does: deletionTime and TERMINATING in one CAS write.
    plane.assign(a.name, Replica.fromPartial({ ...ready, metadata: { ...ready.metadata, deletionTime: new Date().toISOString() }, status: { ...ready.status, phase: ReplicaPhase.REPLICA_PHASE_TERMINATING } }));
    // Out of the endpoint set, yet still serving: the drain comes before SIGTERM.
    expect((await infer(endpoint)).replica).toBe(name);

    await waitFor(`replica ${name} released`, () => plane.replica(a.name, 'web', name) === undefined, 30_000, 50);
    expect(plane.calls).toContain(`releaseReplica ${a.name} web/${name}`);
    expect(await refuses(endpoint)).toBe(true);
    await waitFor('the agent to forget the run', () => a.replicas === 0, 5_000, 20);
    // Nothing reported after the retirement published the replica again.
    expect(plane.reports.slice(before).filter((r) => r.name === name).every((r) => r.status?.phase === ReplicaPhase.REPLICA_PHASE_TERMINATING)).toBe(true);
  });

  it('stops, and reports nothing about, a replica bound to another node', async () => {
    const a = await startAgent();
    const name = bind(a.name).metadata!.name;
    const endpoint = (await readyReplica(a.name, name)).status!.endpoint;
    const before = plane.reports.length;
    // A rebinding elsewhere: the node's stream says DELETED.
    plane.unassign(a.name, 'web', name);
    await waitFor('the process to stop', () => refuses(endpoint), 30_000, 50);
    await waitFor('the agent to forget the run', () => a.replicas === 0, 5_000, 20);
    expect(plane.reports.slice(before).filter((r) => r.name === name)).toEqual([]);
  });

  it('stops the process of a replica that left its assignments while it was disconnected (re-sync)', async () => {
    const a = await startAgent();
    const name = bind(a.name).metadata!.name;
    const endpoint = (await readyReplica(a.name, name)).status!.endpoint;
    // Gone while the node was away: the new registration's re-synced assignment set lacks it.
    plane.unassignSilently(a.name, 'web', name);
    plane.expireLease(a.name);
    await waitFor('the process to stop', () => refuses(endpoint), 30_000, 50);
    await waitFor('the agent to forget the run', () => a.replicas === 0, 5_000, 20);
  });

  it('reports a crashing replica STARTING with reason Crashed (not FAILED, which is terminal), and counts its restarts', async () => {
    const a = await startAgent();
    const name = bind(a.name, [process.execPath, '-e', "console.error('CUDA out of memory'); process.exit(1)"]).metadata!.name;
    const failed = await waitFor(`replica ${name} failed and restarted`, () => {
      const r = plane.replica(a.name, 'web', name);
      return r?.status?.phase === ReplicaPhase.REPLICA_PHASE_STARTING && r.status.reason === 'Crashed' && r.status.restarts >= 2 ? r : undefined;
    }, 30_000, 50);
    expect(failed.status?.reason).toBe('Crashed');
    expect(failed.status?.message).toContain('exited with code 1 (stderr: CUDA out of memory)');
  });

  it('stops the replicas it runs when it stops', async () => {
    const a = await startAgent();
    const name = bind(a.name).metadata!.name;
    const endpoint = (await readyReplica(a.name, name)).status!.endpoint;
    await a.stop();
    expect(await refuses(endpoint)).toBe(true);
    expect(a.replicas).toBe(0);
  });
});
