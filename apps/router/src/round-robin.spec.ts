import { describe, expect, it } from 'vitest';
import { nextInTurn } from './round-robin';

const id = (s: string) => s;

describe('nextInTurn', () => {
  // The worked example of nextInTurn.
  it.each([
    { endpoints: ['a', 'b', 'c'], cursor: 0, tried: [], want: { choice: 'a', cursor: 1 } },
    { endpoints: ['a', 'b', 'c'], cursor: 1, tried: [], want: { choice: 'b', cursor: 2 } },
    { endpoints: ['a', 'b', 'c'], cursor: 2, tried: [], want: { choice: 'c', cursor: 0 } },
    { endpoints: ['a', 'b', 'c'], cursor: 1, tried: ['b'], want: { choice: 'c', cursor: 0 } },
    { endpoints: ['a', 'b', 'c'], cursor: 2, tried: ['c', 'a'], want: { choice: 'b', cursor: 2 } },
    { endpoints: ['a', 'b', 'c'], cursor: 1, tried: ['a', 'b', 'c'], want: { choice: undefined, cursor: 1 } },
    { endpoints: ['a', 'c'], cursor: 2, tried: [], want: { choice: 'a', cursor: 1 } },
    { endpoints: [], cursor: 5, tried: [], want: { choice: undefined, cursor: 0 } },
  ])('$endpoints from $cursor, tried $tried -> $want', ({ endpoints, cursor, tried, want }) => {
    expect(nextInTurn(endpoints, cursor, id, new Set(tried))).toEqual(want);
  });

  it('spreads turns evenly over the set', () => {
    const counts = new Map<string, number>();
    let cursor = 0;
    for (let i = 0; i < 9; i++) {
      const turn = nextInTurn(['a', 'b', 'c'], cursor, id);
      cursor = turn.cursor;
      counts.set(turn.choice!, (counts.get(turn.choice!) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ a: 3, b: 3, c: 3 });
  });
});
