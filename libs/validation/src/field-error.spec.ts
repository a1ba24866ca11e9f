import { describe, expect, it } from 'vitest';
import { child, describeErrors, indexed, keyed } from './field-error';

describe('paths', () => {
  it.each([
    [child('', 'spec'), 'spec'],
    [child('spec', 'min'), 'spec.min'],
    [indexed('spec.zones', 2), 'spec.zones[2]'],
    [keyed('metadata.labels', 'a.b/c'), 'metadata.labels["a.b/c"]'],
    [keyed('metadata.labels', 'say "hi"'), 'metadata.labels["say \\"hi\\""]'],
  ])('%s', (got, want) => {
    expect(got).toBe(want);
  });
});

describe('describeErrors', () => {
  it.each([
    {
      display: 'NodePool',
      name: 'gpu-a',
      errors: [{ path: 'spec.min', message: 'must be <= spec.max (3 > 2)' }],
      want: 'NodePool "gpu-a": spec.min: must be <= spec.max (3 > 2)',
    },
    {
      display: 'Cell',
      name: 'c1',
      errors: [
        { path: 'spec.provider', message: 'is required' },
        { path: '', message: 'resource is too big' },
      ],
      want: 'Cell "c1": spec.provider: is required; resource is too big',
    },
    { display: 'Cell', name: '', errors: [{ path: 'metadata.name', message: 'is required' }], want: 'Cell: metadata.name: is required' },
  ])('$want', ({ display, name, errors, want }) => {
    expect(describeErrors(display, name, errors)).toBe(want);
  });
});
