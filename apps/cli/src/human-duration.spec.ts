import { describe, expect, it } from 'vitest';
import { age, humanDuration } from './human-duration';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration', () => {
  // Mirrors the worked examples of humanDuration's comment, plus each boundary.
  it.each([
    [-2 * S, '<invalid>'],
    [-1 * S, '0s'], // a clock 1 s ahead of the server
    [-500, '0s'], // truncates toward zero: 0 s
    [0, '0s'],
    [90 * S, '90s'],
    [119 * S, '119s'],
    [120 * S, '2m'],
    [200 * S, '3m20s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'],
    [45 * M, '45m'],
    [179 * M, '179m'],
    [180 * M, '3h'],
    [200 * M, '3h20m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H, '8h'],
    [30 * H, '30h'],
    [47 * H, '47h'],
    [48 * H, '2d'],
    [100 * H, '4d4h'],
    [8 * D - H, '7d23h'],
    [8 * D, '8d'],
    [400 * D, '400d'],
    [730 * D, '2y'],
    [1_000 * D, '2y270d'],
    [8 * 365 * D - D, '7y364d'],
    [3_000 * D, '8y'],
  ])('%i ms -> %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});

describe('age', () => {
  const now = Date.parse('2024-05-04T12:00:00Z');
  it.each([
    ['2024-05-01T12:00:00Z', '3d'],
    ['2024-05-04T11:59:30.000Z', '30s'],
    [undefined, '<unknown>'],
    ['', '<unknown>'],
    ['not a date', '<unknown>'],
  ])('%s -> %s', (createdAt, expected) => {
    expect(age(createdAt, now)).toBe(expected);
  });
});
