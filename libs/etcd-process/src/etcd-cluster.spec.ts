import { afterAll, describe, expect, it } from 'vitest';
import { startEtcdCluster, type EtcdCluster } from './etcd-cluster';

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function put(endpoint: string, key: string, value: string): Promise<void> {
  const res = await fetch(`${endpoint}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: b64(key), value: b64(value) }) });
  expect(res.ok).toBe(true);
}

async function get(endpoint: string, key: string): Promise<string | undefined> {
  const res = await fetch(`${endpoint}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: b64(key) }) });
  const body = (await res.json()) as { kvs?: { value: string }[] };
  const value = body.kvs?.[0]?.value;
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString();
}

describe('startEtcdCluster', () => {
  let cluster: EtcdCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  it('runs three members that survive a leader move, a member restart and a full restart', async () => {
    cluster = await startEtcdCluster({ members: 3 });
    expect(cluster.endpoints).toHaveLength(3);
    expect(new Set(cluster.members.map((m) => m.id)).size).toBe(3);
    await put(cluster.endpoints[0]!, 'k', 'v1');
    expect(await get(cluster.endpoints[2]!, 'k')).toBe('v1');

    const first = await cluster.leader();
    const moved = await cluster.moveLeader();
    expect(moved.name).not.toBe(first.name);
    expect((await cluster.leader()).name).toBe(moved.name);
    const back = await cluster.moveLeader(first.name);
    expect(back.name).toBe(first.name);

    const pid = cluster.members.find((m) => m.name === first.name)!.pid;
    await cluster.restartMember(first.name);
    expect(cluster.members.find((m) => m.name === first.name)!.pid).not.toBe(pid);
    await put(cluster.endpoints[1]!, 'k', 'v2');

    const pids = cluster.members.map((m) => m.pid);
    await cluster.restartAll();
    expect(cluster.members.map((m) => m.pid).some((p, i) => p === pids[i])).toBe(false);
    expect(await get(cluster.endpoints[0]!, 'k')).toBe('v2');
    expect((await cluster.leader()).id).toMatch(/^\d+$/);
  });
});
