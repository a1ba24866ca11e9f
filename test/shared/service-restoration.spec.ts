import { describe, expect, it } from 'vitest';
import { minServing, restoredAt } from './service-restoration';

const samples = [
  { at: 0, serving: 4 },
  { at: 100, serving: 2 },
  { at: 900, serving: 3 },
  { at: 1500, serving: 4 },
  { at: 2000, serving: 3 },
];

describe('restoredAt', () => {
  it('is the first sample after `from` that serves the wanted count', () => {
    expect(restoredAt(samples, 400, 4)).toBe(1500);
    expect(restoredAt(samples, 100, 3)).toBe(900);
  });

  it('is `from` itself when the sample in force then is already whole', () => {
    expect(restoredAt(samples, 50, 4)).toBe(50);
    expect(restoredAt(samples, 1700, 4)).toBe(1700);
    expect(restoredAt(samples, 5000, 3)).toBe(5000);
  });

  it('is undefined when the count never comes back', () => {
    expect(restoredAt(samples, 2100, 4)).toBeUndefined();
    expect(restoredAt([], 0, 1)).toBeUndefined();
  });

  it('counts a sample at exactly `from` as in force', () => {
    expect(restoredAt(samples, 1500, 4)).toBe(1500);
    expect(restoredAt(samples, 900, 4)).toBe(1500);
  });
});

describe('minServing', () => {
  it('is the fewest serving in the window, the sample in force at its start included', () => {
    expect(minServing(samples, 50, 1000)).toBe(2);
    expect(minServing(samples, 950, 1600)).toBe(3);
    expect(minServing(samples, 1500, 1900)).toBe(4);
    expect(minServing(samples, 1500, 2000)).toBe(3);
  });

  it('is undefined before the first sample with none inside the window', () => {
    expect(minServing(samples, -100, -50)).toBeUndefined();
    expect(minServing([], 0, 10)).toBeUndefined();
  });
});
