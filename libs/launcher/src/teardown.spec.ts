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
    await teardown.run();
    await teardown.run();
    expect(ran).toEqual(['agents', 'etcd']);
    expect(reports).toEqual(['teardown: control plane failed: already gone']);
  });
});
