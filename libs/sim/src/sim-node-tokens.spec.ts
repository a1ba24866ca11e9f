import { describe, expect, it } from 'vitest';
import { SimNodeTokens } from './sim-node-tokens';

describe('SimNodeTokens', () => {
  it.each([
    // uses, cells asked for in order, tokens handed out (the worked example first)
    [2, ['a', 'a', 'b', 'a'], ['a1', 'a1', 'b1', 'a2']],
    [1, ['a', 'a', 'a'], ['a1', 'a2', 'a3']],
    [1000, ['a', 'b', 'a', 'b'], ['a1', 'b1', 'a1', 'b1']],
  ])('uses %i, cells %j -> %j', async (uses, cells, tokens) => {
    const made = new Map<string, number>();
    const supply = new SimNodeTokens(async (cell) => {
      made.set(cell, (made.get(cell) ?? 0) + 1);
      return `${cell}${made.get(cell)}`;
    }, uses);
    expect(await Promise.all(cells.map((cell) => supply.next(cell)))).toEqual(tokens);
  });

  it('makes a fresh token once one was refused', async () => {
    let made = 0;
    const supply = new SimNodeTokens(async (cell) => `${cell}${++made}`, 10);
    const first = await supply.next('a');
    supply.refused('a', first);
    await Promise.resolve();
    expect(await supply.next('a')).toBe('a2');
    // A refusal of an older token leaves the current one alone.
    supply.refused('a', first);
    await Promise.resolve();
    expect(await supply.next('a')).toBe('a2');
  });

  it('makes a fresh token after a creation failed', async () => {
    let fail = true;
    const supply = new SimNodeTokens(async (cell) => {
      if (fail) throw new Error('control plane unreachable');
      return `${cell}-ok`;
    });
    await expect(supply.next('a')).rejects.toThrow('control plane unreachable');
    fail = false;
    expect(await supply.next('a')).toBe('a-ok');
  });
});
