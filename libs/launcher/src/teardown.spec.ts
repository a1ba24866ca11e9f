import { describe, expect, it } from 'vitest';
import { Teardown } from './teardown';

describe('Teardown', () => {
  it('runs steps last-added first, once, reporting a failing step and running the rest', async () => {
    const reports: string[] = [];
    const ran: string[] = [];
    const teardown = new Teardown((line) => reports.push(line));
    teardown.add('etcd', () => ran.push('etcd'));
    teardown.add('control plane', () => {
      throw new Error('already gone');
    });
    teardown.add('agents', async () => ran.push('agents'));
    expect(await teardown.run()).toBe(false);
    expect(await teardown.run()).toBe(true);
    expect(ran).toEqual(['agents', 'etcd']);
    expect(reports).toEqual(['teardown: control plane failed: already gone']);
  });

  it('runs a step added while the others run before the ones still waiting', async () => {
    const ran: string[] = [];
    const teardown = new Teardown(() => undefined);
    teardown.add('etcd', () => ran.push('etcd'));
    teardown.add('router', async () => {
      ran.push('router');
      // A start still under way launches one more component meanwhile.
      teardown.add('late cell agent', () => ran.push('late cell agent'));
    });
    expect(await teardown.run()).toBe(true);
    expect(ran).toEqual(['router', 'late cell agent', 'etcd']);
  });
});
