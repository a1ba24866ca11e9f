import { LoadReport } from '@helios/api';
import { waitFor } from '@helios/launcher';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectEtcd } from './connect';
import { Keys } from './keys';
import { decodeLoadReport, LoadReportWriter } from './load-report-writer';
import { readPrefix } from './prefix-range';

const client = connectEtcd(inject('etcdEndpoint'));
afterAll(() => client.close());

const report = (reporter: string, inFlight: number) => LoadReport.fromPartial({ deployment: 'llama', reporter, replicas: [{ replica: 'llama-1', inFlight }] });
const stored = async (keys: Keys) =>
  Object.fromEntries((await readPrefix(client, keys.loads('llama'))).kvs.map((kv) => [kv.key.toString().slice(keys.loads('llama').length), decodeLoadReport(kv.value)?.replicas[0]?.inFlight]));

describe('LoadReportWriter against etcd', () => {
  it('keeps the latest report of each reporter, coalescing a burst into few transactions on one lease', async () => {
    const keys = new Keys(`/t/${randomUUID()}/helios/v1`);
    const writer = new LoadReportWriter(client, keys, { ttlSeconds: 10, flushMs: 20 });
    try {
      // 300 reporters, each reporting twice in one burst: every second report wins.
      await Promise.all(Array.from({ length: 300 }, (_, i) => [writer.write(report(`r${i}`, i)), writer.write(report(`r${i}`, i + 1000))]).flat());
      const found = await stored(keys);
      expect(Object.keys(found)).toHaveLength(300);
      expect(found['r7']).toBe(1007);
      const { kvs } = await readPrefix(client, keys.loads());
      // One lease for all: granted once, shared by every put.
      expect(new Set(kvs.map((kv) => kv.lease)).size).toBe(1);
      expect(kvs[0]!.lease).not.toBe('0');
      // 600 reports in one burst, 300 keys: three transactions of at most 128 puts, one revision each.
      expect(new Set(kvs.map((kv) => kv.mod_revision)).size).toBeLessThanOrEqual(3);
    } finally {
      writer.close();
    }
  });

  it("lets a silent reporter's report expire while one that keeps reporting stays", async () => {
    const keys = new Keys(`/t/${randomUUID()}/helios/v1`);
    const writer = new LoadReportWriter(client, keys, { ttlSeconds: 2, flushMs: 10 });
    try {
      await Promise.all([writer.write(report('dead', 1)), writer.write(report('alive', 1))]);
      let n = 1;
      const keepReporting = setInterval(() => void writer.write(report('alive', ++n)).catch(() => undefined), 300);
      try {
        await waitFor('the silent reporter to expire', async () => !('dead' in (await stored(keys))), 15_000, 100);
      } finally {
        clearInterval(keepReporting);
      }
      expect(Object.keys(await stored(keys))).toEqual(['alive']);
    } finally {
      writer.close();
    }
  });
});
