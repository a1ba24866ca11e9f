import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first truthy value and names the condition on timeout', async () => {
    let n = 0;
    await expect(waitFor('n to reach 3', () => (++n >= 3 ? n : undefined), 5_000, 1)).resolves.toBe(3);
    await expect(waitFor('never', () => false, 20, 5)).rejects.toThrow('timed out after 20 ms waiting for never');
  });

  it('keeps polling through a failing check and gives its last error as the cause', async () => {
    let n = 0;
    const check = async () => {
      if (++n < 3) throw new Error(`not yet (${n})`);
      return 'up';
    };
    await expect(waitFor('a flaky check', check, 5_000, 1)).resolves.toBe('up');
    const timedOut = await waitFor('a broken check', () => Promise.reject(new Error('connection refused')), 20, 5).catch((err: Error) => err);
    expect(timedOut).toMatchObject({ message: 'timed out after 20 ms waiting for a broken check', cause: { message: 'connection refused' } });
  });
});
