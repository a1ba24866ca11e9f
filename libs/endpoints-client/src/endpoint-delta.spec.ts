import type { Endpoint } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { applyEndpointMessage } from './endpoint-delta';

const ep = (replica: string, port: number, revision = 1): Endpoint => ({ replica, address: `127.0.0.1:${port}`, revision, cell: 'c1', node: 'n1' });
const set = (...endpoints: Endpoint[]) => new Map(endpoints.map((e) => [e.replica, e]));
const names = (endpoints: Endpoint[]) => endpoints.map((e) => `${e.replica}@${e.address.split(':')[1]}`).sort();

describe('applyEndpointMessage', () => {
  it.each([
    {
      name: 'the worked example: a reset replaces the set and reports the true difference',
      current: set(ep('a', 1), ep('b', 2)),
      message: { reset: true, added: [ep('b', 2), ep('c', 3)], removed: [] },
      want: { next: ['b@2', 'c@3'], added: ['c@3'], removed: ['a@1'] },
    },
    {
      name: 'a reset equal to the set changes nothing',
      current: set(ep('a', 1)),
      message: { reset: true, added: [ep('a', 1)], removed: [] },
      want: { next: ['a@1'], added: [], removed: [] },
    },
    {
      name: 'an empty reset empties the set',
      current: set(ep('a', 1), ep('b', 2)),
      message: { reset: true, added: [], removed: [] },
      want: { next: [], added: [], removed: ['a@1', 'b@2'] },
    },
    {
      name: 'a change adds and removes',
      current: set(ep('a', 1), ep('b', 2)),
      message: { reset: false, added: [ep('c', 3)], removed: [ep('a', 1)] },
      want: { next: ['b@2', 'c@3'], added: ['c@3'], removed: ['a@1'] },
    },
    {
      name: 'a new address of one replica: removal first, then the addition',
      current: set(ep('a', 1)),
      message: { reset: false, added: [ep('a', 9)], removed: [ep('a', 1)] },
      want: { next: ['a@9'], added: ['a@9'], removed: ['a@1'] },
    },
    {
      name: 'removing an unknown replica is a no-op',
      current: set(ep('a', 1)),
      message: { reset: false, added: [], removed: [ep('zz', 5)] },
      want: { next: ['a@1'], added: [], removed: [] },
    },
  ])('$name', ({ current, message, want }) => {
    const delta = applyEndpointMessage(current, message);
    expect({ next: names([...delta.next.values()]), added: names(delta.added), removed: names(delta.removed) }).toEqual(want);
  });

  it('treats a new revision at the same address as a change', () => {
    const delta = applyEndpointMessage(set(ep('a', 1, 1)), { reset: false, added: [ep('a', 1, 2)], removed: [] });
    expect(delta.added).toEqual([ep('a', 1, 2)]);
    expect(delta.removed).toEqual([ep('a', 1, 1)]);
  });
});
