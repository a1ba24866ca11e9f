import { afterAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdProcess } from './etcd-process';

describe('startEtcd', () => {
  const started: EtcdProcess[] = [];
  afterAll(async () => {
    for (const e of started) await e.stop();
  });

  it('starts a healthy member that keeps its data across a restart', async () => {
    const etcd = await startEtcd();
    started.push(etcd);
    const put = await fetch(`${etcd.endpoint}/v3/kv/put`, {
      method: 'POST',
      body: JSON.stringify({ key: Buffer.from('k').toString('base64'), value: Buffer.from('v').toString('base64') }),
    });
    expect(put.ok).toBe(true);
    const pid = etcd.pid;
    await etcd.restart();
    expect(etcd.pid).not.toBe(pid);
    const range = await fetch(`${etcd.endpoint}/v3/kv/range`, {
      method: 'POST',
      body: JSON.stringify({ key: Buffer.from('k').toString('base64') }),
    });
    const body = (await range.json()) as { kvs?: { value: string }[] };
    expect(Buffer.from(body.kvs?.[0]?.value ?? '', 'base64').toString()).toBe('v');
  });
});
