import { describe, expect, it } from 'vitest';
import { validateInt, validateNumber } from './numbers';
import { validateGpuType, validateString } from './strings';

describe('validateInt', () => {
  it.each([
    { value: 0, min: 0, max: 10, want: undefined },
    { value: 10, min: 0, max: 10, want: undefined },
    { value: -1, min: 0, max: 10, want: 'must not be negative, got -1' },
    { value: 0, min: 1, max: 16, want: 'must be >= 1, got 0' },
    { value: 11, min: 0, max: 10, want: 'must be <= 10, got 11' },
    { value: 1.5, min: 0, max: 10, want: 'must be an integer, got 1.5' },
    { value: Number.NaN, min: 0, max: 10, want: 'must be an integer, got NaN' },
  ])('$value in [$min, $max]', ({ value, min, max, want }) => {
    expect(validateInt('f', value, min, max)).toEqual(want ? [{ path: 'f', message: want }] : []);
  });
});

describe('validateNumber', () => {
  it.each([
    { value: 0.5, want: undefined },
    { value: -0.1, want: 'must not be negative, got -0.1' },
    { value: 2, want: 'must be <= 1, got 2' },
    { value: Number.POSITIVE_INFINITY, want: 'must be a finite number, got Infinity' },
    { value: Number.NaN, want: 'must be a finite number, got NaN' },
  ])('$value in [0, 1]', ({ value, want }) => {
    expect(validateNumber('f', value, 0, 1)).toEqual(want ? [{ path: 'f', message: want }] : []);
  });
});

describe('validateString / validateGpuType', () => {
  it.each([
    { got: validateString('s', '', 3), want: undefined },
    { got: validateString('s', '', 3, true), want: 'is required' },
    { got: validateString('s', 'abc', 3, true), want: undefined },
    { got: validateString('s', 'abcd', 3), want: 'must be at most 3 characters, got 4' },
    { got: validateGpuType('s', '', 'n', 0), want: undefined },
    { got: validateGpuType('s', '', 'n', 2), want: 'is required when n > 0' },
    { got: validateGpuType('s', 'h100', 'n', 2), want: undefined },
    { got: validateGpuType('s', 'x'.repeat(254), 'n', 0), want: 'must be at most 253 characters, got 254' },
  ])('$want', ({ got, want }) => {
    expect(got).toEqual(want ? [{ path: 's', message: want }] : []);
  });
});
