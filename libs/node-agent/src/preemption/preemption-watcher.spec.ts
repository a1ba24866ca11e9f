import { createLogger } from '@helios/config';
import type { PreemptionNotice } from '@helios/instance-metadata';
import { describe, expect, it } from 'vitest';
import type { PreemptionSource } from './preemption-source';
import { PreemptionWatcher } from './preemption-watcher';

const logger = createLogger('preemption-test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** A metadata service that has no notice until `announce`, and fails reads while `broken`. */
class ScriptedSource implements PreemptionSource {
  notice: PreemptionNotice | undefined;
  broken = false;
  reads = 0;
  async preemptionNotice(): Promise<PreemptionNotice | undefined> {
    this.reads += 1;
    if (this.broken) throw new Error('metadata service timed out');
    return this.notice;
  }
}

describe('PreemptionWatcher', () => {
  it('reports the notice deadline, after riding out a failed read and a failed report', async () => {
    const source = new ScriptedSource();
    const reported: string[] = [];
    let failReport = true;
    const report = async (deadline: Date) => {
      if (failReport) throw new Error('control plane unreachable');
      reported.push(deadline.toISOString());
    };
    const watcher = new PreemptionWatcher({ report, source, logger }, { node: 'n1', pollMs: 10 });

    expect(await watcher.pollOnce()).toBe(false);
    source.broken = true;
    await expect(watcher.pollOnce()).rejects.toThrow('metadata service timed out');
    source.broken = false;
    source.notice = { instanceId: 'i-1', node: 'n1', deadline: new Date('2030-01-01T10:02:00Z') };
    await expect(watcher.pollOnce()).rejects.toThrow('control plane unreachable');
    failReport = false;
    expect(await watcher.pollOnce()).toBe(true);
    expect(reported).toEqual(['2030-01-01T10:02:00.000Z']);
  });

  it('polls on its own until the notice comes, then stops', async () => {
    const source = new ScriptedSource();
    const reported: Date[] = [];
    const watcher = new PreemptionWatcher({ report: async (d) => void reported.push(d), source, logger }, { node: 'n1', pollMs: 5 });
    watcher.start();
    const deadline = Date.now() + 10_000;
    while (source.reads < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    source.notice = { instanceId: 'i-1', node: 'n1', deadline: new Date(Date.now() + 30_000) };
    while (reported.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const reads = source.reads;
    await new Promise((resolve) => setTimeout(resolve, 50));
    await watcher.stop();
    expect(watcher.notice).toBeDefined();
    expect(reported).toHaveLength(1);
    expect(source.reads).toBe(reads);
  });
});
