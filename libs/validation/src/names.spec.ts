import { describe, expect, it } from 'vitest';
import { isDnsLabel, validateAnnotations, validateLabels, validateLabelValue, validateName, validateNameList, validateQualifiedKey } from './names';

describe('isDnsLabel', () => {
  it.each([
    ['a', true],
    ['gpu-a', true],
    ['a1', true],
    ['1a', true],
    ['0', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['', false],
    ['-a', false],
    ['a-', false],
    ['A', false],
    ['gpu_a', false],
    ['gpu.a', false],
    ['a/b', false],
    ['a b', false],
    ['ä', false],
  ])('%j -> %s', (value, want) => {
    expect(isDnsLabel(value)).toBe(want);
  });
});

describe('validateName', () => {
  it.each([
    { value: 'ok', required: true, want: [] },
    { value: '', required: true, want: ['is required'] },
    { value: '', required: false, want: [] },
    { value: 'Bad', required: false, want: ['must be a DNS-1123 label'] },
    { value: '../x', required: true, want: ['must be a DNS-1123 label'] },
  ])('$value (required $required)', ({ value, required, want }) => {
    const errors = validateName('spec.cell', value, required);
    expect(errors.map((e) => e.path)).toEqual(want.map(() => 'spec.cell'));
    want.forEach((w, i) => expect(errors[i]!.message).toContain(w));
  });
});

describe('validateQualifiedKey', () => {
  it.each([
    ['team', true],
    ['app.kubernetes.io/name', true],
    ['helios.dev/tier', true],
    ['A_b.c-D', true],
    ['x'.repeat(63), true],
    [`${'p'.repeat(253)}/n`, true],
    ['x'.repeat(64), false],
    [`${'p'.repeat(254)}/n`, false],
    ['', false],
    ['/name', false],
    ['prefix/', false],
    ['Upper.Case/name', false],
    ['a/b/c', false],
    ['-lead', false],
    ['trail_', false],
    ['sp ace', false],
  ])('%j valid: %s', (key, valid) => {
    expect(validateQualifiedKey('k', key)).toHaveLength(valid ? 0 : 1);
  });
});

describe('validateLabelValue', () => {
  it.each([
    ['', true],
    ['v1', true],
    ['a.b_c-d', true],
    ['x'.repeat(63), true],
    ['x'.repeat(64), false],
    ['-v', false],
    ['v/1', false],
    ['with space', false],
  ])('%j valid: %s', (value, valid) => {
    expect(validateLabelValue('v', value)).toHaveLength(valid ? 0 : 1);
  });
});

describe('validateLabels', () => {
  it('accepts up to 64 labels and rejects the 65th', () => {
    const labels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect(validateLabels('metadata.labels', labels(64))).toEqual([]);
    expect(validateLabels('metadata.labels', labels(65))).toEqual([{ path: 'metadata.labels', message: 'must have at most 64 labels, got 65' }]);
  });

  it('names the entry in the path', () => {
    const errors = validateLabels('metadata.labels', { good: 'ok', 'bad key': 'ok', team: 'bad value!' });
    expect(errors.map((e) => e.path)).toEqual(['metadata.labels["bad key"]', 'metadata.labels["team"]']);
  });

  it('treats undefined as no labels', () => {
    expect(validateLabels('metadata.labels', undefined)).toEqual([]);
  });
});

describe('validateAnnotations', () => {
  it.each([
    { annotations: { 'helios.dev/note': 'x'.repeat(64 * 1024) }, paths: [] },
    { annotations: { 'helios.dev/note': 'x'.repeat(64 * 1024 + 1) }, paths: ['metadata.annotations["helios.dev/note"]'] },
    { annotations: { 'bad key': '' }, paths: ['metadata.annotations["bad key"]'] },
    { annotations: Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`a${i}`, ''])), paths: ['metadata.annotations'] },
  ])('$paths', ({ annotations, paths }) => {
    expect(validateAnnotations('metadata.annotations', annotations).map((e) => e.path)).toEqual(paths);
  });
});

describe('validateNameList', () => {
  it.each([
    { values: ['a', 'b'], max: 5, paths: [] },
    { values: ['a', 'a'], max: 5, paths: ['z[1]'] },
    { values: ['a', 'B'], max: 5, paths: ['z[1]'] },
    { values: ['a', ''], max: 5, paths: ['z[1]'] },
    { values: ['a', 'b', 'c'], max: 2, paths: ['z'] },
  ])('$values (max $max)', ({ values, max, paths }) => {
    expect(validateNameList('z', values, max).map((e) => e.path)).toEqual(paths);
  });
});
