import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-error';
import { parseDuration } from './parse-duration';

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['500ms', 500],
    ['1m30s', 90_000], // the worked example: 60,000 + 30,000
    ['1.5s', 1_500],
    ['2h', 7_200_000],
    ['1h1m1s1ms', 3_661_001],
    ['30', 30_000], // a bare number is seconds
    ['0', 0], // no deadline
    ['0.25', 250],
  ])('%s -> %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '-1s', '10 s', '1d', 's', '1m30'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(UsageError);
    expect(() => parseDuration(text, '--wait')).toThrow(`--wait "${text}": expected a duration like 500ms, 10s, 1m30s or a number of seconds`);
  });
});
