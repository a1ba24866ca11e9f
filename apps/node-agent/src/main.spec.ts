import { NodePhase } from '@helios/api';
import { launchComponent, waitFor, type ComponentProcess } from '@helios/launcher';
import { Keys, ResourceStore, connectEtcd, type Etcd3 } from '@helios/store';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

describe('apps/node-agent as a process', () => {
  let client: Etcd3;
  let proc: ComponentProcess | undefined;
  beforeAll(() => {
    client = connectEtcd(inject('etcdEndpoint'));
  });
  afterAll(async () => {
    await proc?.stop('SIGKILL');
    client.close();
  });

  it('registers its Node Ready, and on SIGTERM revokes its lease and exits 0', async () => {
    const root = `/t/${randomUUID()}/helios/v1`;
    const keys = new Keys(root);
    const store = new ResourceStore(client, keys);
    const logFile = join(mkdtempSync(join(tmpdir(), 'helios-node-agent-')), 'node-agent.log');
    proc = launchComponent({
      name: 'node-agent',
      entry: 'apps/node-agent/src/main.ts',
      args: ['--etcd', inject('etcdEndpoint'), '--cell', 'c1', '--pool', 'l4', '--node', 'proc-node', '--tier', 'preemptible', '--gpu-type', 'l4', '--gpus', '2', '--root', root],
      // A PATH without nvidia-smi keeps the inventory simulated on any machine.
      env: { HELIOS_NODE_LEASE_TTL: '5', HELIOS_LOG_FORMAT: 'json', PATH: '/nonexistent' },
      logFile,
    });
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
});
