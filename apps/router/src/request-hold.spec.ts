import { describe, expect, it } from 'vitest';
import { RequestHold } from './request-hold';

describe('RequestHold', () => {
  it('holds up to maxHeld requests, refuses one more, and releases them all together', async () => {
    let held = 0;
    const hold = new RequestHold({ maxHeld: 2, timeoutMs: 60_000, onHeld: () => held++ });
    const a = hold.wait();
    const b = hold.wait();
    expect(await hold.wait()).toBe('full');
    expect([hold.size, held]).toEqual([2, 2]);
    hold.release();
    expect(await Promise.all([a, b])).toEqual(['ready', 'ready']);
    expect(hold.size).toBe(0);
  });

  it('lets a request go when its client does, and one that waited too long time out', async () => {
    const hold = new RequestHold({ maxHeld: 10, timeoutMs: 20 });
    const client = new AbortController();
    const gone = hold.wait(client.signal);
    client.abort();
    expect(await gone).toBe('cancelled');
    expect(await hold.wait()).toBe('timeout');
    expect(hold.size).toBe(0);
  });
});
