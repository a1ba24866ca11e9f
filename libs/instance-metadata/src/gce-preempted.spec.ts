import { describe, expect, it } from 'vitest';
import { parsePreempted } from './gce-preempted';

describe('parsePreempted', () => {
  it.each([
    ['TRUE', true],
    ['FALSE', false],
    ['TRUE\n', true],
  ])('%j -> %s', (body, expected) => {
    expect(parsePreempted(body)).toBe(expected);
  });

  it.each(['true', '', '<html>'])('rejects %j', (body) => {
    expect(() => parsePreempted(body)).toThrow(/neither TRUE nor FALSE/);
  });
});
