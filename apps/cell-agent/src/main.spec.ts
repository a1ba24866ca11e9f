import { Cell, NodePool, Tier } from '@helios/api';
import { launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { Keys, ResourceStore, connectEtcd, type Etcd3 } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

describe('apps/cell-agent as a process', () => {
  let client: Etcd3;
  let proc: ComponentProcess | undefined;
  beforeAll(() => {
    client = connectEtcd(inject('etcdEndpoint'));
  });
  afterAll(async () => {
    await proc?.stop('SIGKILL');
    client.close();
  });

  it('brings its pool to min with simulated nodes, and on SIGTERM revokes every lease and exits 0', async () => {
    const root = `/t/${randomUUID()}/helios/v1`;
    const keys = new Keys(root);
    const store = new ResourceStore(client, keys);
    await store.create('cell', Cell.fromPartial({ metadata: { name: 'c1' }, spec: { provider: 'sim', region: 'sim-1', zones: ['sim-1a'] } }));
    await store.create('nodePool', NodePool.fromPartial({ metadata: { name: 'h100', generation: 1 }, spec: { cell: 'c1', gpuType: 'h100', gpusPerNode: 8, tier: Tier.TIER_ON_DEMAND, min: 2, max: 2 } }));
    const logFile = join(mkdtempSync(join(tmpdir(), 'helios-cell-agent-')), 'cell-agent.log');
    proc = launchComponent({
      name: 'cell-agent',
      entry: 'apps/cell-agent/src/main.ts',
      args: ['--etcd', inject('etcdEndpoint'), '--cell', 'c1', '--root', root, '--sim-launch-latency-ms', '0', '--id', 'proc-agent'],
      env: { HELIOS_LOG_FORMAT: 'json' },
      logFile,
    });
    await waitFor(`2 ready nodes (log: ${logFile})`, async () => (await store.get('nodePool', 'h100', 'c1'))?.status?.ready === 2, 30_000);
    const range = (prefix: string) => client.kv.range({ key: Buffer.from(prefix), range_end: Buffer.from(prefix.replace(/\/$/, '0')) });
    expect((await range(keys.heartbeats('c1'))).kvs).toHaveLength(2);
    expect((await client.kv.range({ key: Buffer.from(keys.agent('c1')) })).kvs[0]?.value.toString()).toBe('proc-agent');

    expect(await proc.stop('SIGTERM')).toBe(0);
    // Right after exit, well inside the 5 s TTLs: the keys went with revokes, not expiries.
    expect((await range(keys.heartbeats('c1'))).kvs).toHaveLength(0);
    expect((await client.kv.range({ key: Buffer.from(keys.agent('c1')) })).kvs).toHaveLength(0);
    expect((await client.kv.range({ key: Buffer.from(keys.election('cell-agent-c1')) })).kvs).toHaveLength(0);
  });
});
