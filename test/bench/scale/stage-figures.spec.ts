import { describe, expect, it } from 'vitest';
import { perWindow, stageFigures } from './stage-figures';

describe('stageFigures', () => {
  it('times half and all of the wanted replicas from the start (the worked example)', () => {
    expect(stageFigures([1500, 5000, 2000, 3000], 1000, 4)).toEqual({ reached: 4, halfSeconds: 1, allSeconds: 4, perSecond: 1 });
  });

  it('has no time to all, nor a rate, while some replicas never got there', () => {
    expect(stageFigures([1500, 5000, 2000, 3000], 1000, 5)).toEqual({ reached: 4, halfSeconds: 2, allSeconds: null, perSecond: null });
    expect(stageFigures([], 0, 3)).toEqual({ reached: 0, halfSeconds: null, allSeconds: null, perSecond: null });
  });

  it('counts only the wanted replicas: extra ones (replacements) reached later do not delay it', () => {
    expect(stageFigures([1000, 2000, 9000], 0, 2)).toEqual({ reached: 3, halfSeconds: 1, allSeconds: 2, perSecond: 1 });
  });

  it('rounds to the ms and to whole replicas a second', () => {
    expect(stageFigures([1234.4, 1500], 0, 2)).toEqual({ reached: 2, halfSeconds: 1.234, allSeconds: 1.5, perSecond: 1 });
    expect(stageFigures([0, 0, 0], 0, 3).perSecond).toBe(3000);
  });
});

describe('perWindow', () => {
  it('counts the replicas that reached the stage in each window (the worked example)', () => {
    expect(perWindow([100, 900, 1000, 3500], 0, 1000)).toEqual([2, 1, 0, 1]);
  });

  it('puts a moment before the start into the first window, and has no windows without moments', () => {
    expect(perWindow([-50, 10], 0, 100)).toEqual([2]);
    expect(perWindow([], 0, 100)).toEqual([]);
  });
});
