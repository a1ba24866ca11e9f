import { Cell, NodePool, Tier } from '@helios/api';
import { freePort } from '@helios/etcd-process';
import { launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { connectOperator } from '@helios/operator-client';
import { Keys, LeaderElection, ResourceStore, connectEtcd, type Etcd3 } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

describe('apps/cell-agent as a process', () => {
  let client: Etcd3;
  const procs: ComponentProcess[] = [];
  beforeAll(() => {
    client = connectEtcd(inject('etcdEndpoint'));
  });
  afterAll(async () => {
    for (const proc of procs) await proc.stop('SIGKILL');
    client.close();
  });

  it('brings its pool to min with simulated nodes joined through the node API, and on SIGTERM gives up its own leases and exits 0', async () => {
    const root = `/t/${randomUUID()}/helios/v1`;
    const keys = new Keys(root);
    const store = new ResourceStore(client, keys);
    const dir = mkdtempSync(join(tmpdir(), 'helios-cell-agent-'));
    // A control plane for the node API, kept from leading (the test holds its election): it runs
    // no controller, so the cell agent alone acts on the pool.
    const election = new LeaderElection(client, keys, 'control-plane', 'cell-agent-test', { ttl: 5 });
    await election.campaign();
    const grpcAddr = `127.0.0.1:${await freePort()}`;
    procs.push(
      launchComponent({
        name: 'control-plane',
        entry: 'apps/control-plane/src/main.ts',
        args: ['--etcd', inject('etcdEndpoint'), '--root', root, '--grpc-addr', grpcAddr, '--metrics-addr', `127.0.0.1:${await freePort()}`],
        env: { HELIOS_LOG_FORMAT: 'json' },
        logFile: join(dir, 'control-plane.log'),
      }),
    );
    const operator = connectOperator(grpcAddr, { timeoutMs: 5_000 });
    await waitFor(`the control plane to serve (logs: ${dir})`, () => operator.listBootstrapTokens({ cell: '' }).then(() => true, () => false), 60_000, 100);
    operator.close();
    await store.create('cell', Cell.fromPartial({ metadata: { name: 'c1' }, spec: { provider: 'sim', region: 'sim-1', zones: ['sim-1a'] } }));
    await store.create('nodePool', NodePool.fromPartial({ metadata: { name: 'h100', generation: 1 }, spec: { cell: 'c1', gpuType: 'h100', gpusPerNode: 8, tier: Tier.TIER_ON_DEMAND, min: 2, max: 2 } }));
    const logFile = join(dir, 'cell-agent.log');
    const proc = launchComponent({
      name: 'cell-agent',
      entry: 'apps/cell-agent/src/main.ts',
      args: ['--etcd', inject('etcdEndpoint'), '--cell', 'c1', '--root', root, '--control-plane', grpcAddr, '--sim-launch-latency-ms', '0', '--id', 'proc-agent', '--node-lease-ttl', '2'],
      env: { HELIOS_LOG_FORMAT: 'json' },
      logFile,
    });
    procs.push(proc);
    await waitFor(`2 ready nodes (log: ${logFile})`, async () => (await store.get('nodePool', 'h100', 'c1'))?.status?.ready === 2, 30_000);
    const range = (prefix: string) => client.kv.range({ key: Buffer.from(prefix), range_end: Buffer.from(prefix.replace(/\/$/, '0')) });
    expect((await range(keys.heartbeats('c1'))).kvs).toHaveLength(2);
    expect((await client.kv.range({ key: Buffer.from(keys.agent('c1')) })).kvs[0]?.value.toString()).toBe('proc-agent');

    expect(await proc.stop('SIGTERM')).toBe(0);
    // Right after exit, well inside the 5 s TTL: the agent's own keys went with revokes, not expiries.
    expect((await client.kv.range({ key: Buffer.from(keys.agent('c1')) })).kvs).toHaveLength(0);
    expect((await client.kv.range({ key: Buffer.from(keys.election('cell-agent-c1')) })).kvs).toHaveLength(0);
    // The simulated nodes' leases are the node API's: they expire, as a host's would when it goes.
    await waitFor('the simulated nodes\' heartbeats to expire', async () => (await range(keys.heartbeats('c1'))).kvs.length === 0, 15_000, 100);
    await election.resign();
  });
});
