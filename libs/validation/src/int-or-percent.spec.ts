import { describe, expect, it } from 'vitest';
import { isExplicitZero, parseIntOrPercent, validateIntOrPercent } from './int-or-percent';

describe('parseIntOrPercent', () => {
  it.each([
    ['0', { value: 0, percent: false }],
    ['2', { value: 2, percent: false }],
    ['25%', { value: 25, percent: true }],
    ['0%', { value: 0, percent: true }],
    ['100%', { value: 100, percent: true }],
    ['', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['02', undefined],
    [' 2', undefined],
    ['%', undefined],
    ['25 %', undefined],
    ['1e3', undefined],
    ['9999999999', undefined],
  ])('%j -> %j', (text, want) => {
    expect(parseIntOrPercent(text)).toEqual(want);
  });
});

describe('validateIntOrPercent', () => {
  it.each([
    { text: '', errors: 0 },
    { text: '3', errors: 0 },
    { text: '10000', errors: 0 },
    { text: '10001', errors: 1 },
    { text: '100%', errors: 0 },
    { text: '101%', errors: 1 },
    { text: 'lots', errors: 1 },
    { text: '-1', errors: 1 },
  ])('$text -> $errors error(s)', ({ text, errors }) => {
    expect(validateIntOrPercent('spec.strategy.maxSurge', text, 10_000)).toHaveLength(errors);
  });
});

describe('isExplicitZero', () => {
  it.each([
    ['0', true],
    ['0%', true],
    ['', false],
    ['1', false],
    ['x', false],
  ])('%j -> %s', (text, want) => {
    expect(isExplicitZero(text)).toBe(want);
  });
});
