import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';

describe('ManualClock', () => {
  it('fires due timers in order and moves time to each', () => {
    const clock = new ManualClock(1_000);
    const fired: [string, number][] = [];
    clock.setTimer(() => fired.push(['b', clock.now()]), 200);
    clock.setTimer(() => fired.push(['a', clock.now()]), 100);
    const c = clock.setTimer(() => fired.push(['c', clock.now()]), 150);
    clock.clearTimer(c);
    clock.advance(150);
    expect(fired).toEqual([['a', 1_100]]);
    expect(clock.now()).toBe(1_150);
    clock.advance(100);
    expect(fired).toEqual([
      ['a', 1_100],
      ['b', 1_200],
    ]);
    expect(clock.pending).toBe(0);
  });

  it('fires timers set by a timer within the same advance', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    clock.setTimer(() => {
      fired.push(clock.now());
      clock.setTimer(() => fired.push(clock.now()), 10);
    }, 10);
    clock.advance(30);
    expect(fired).toEqual([10, 20]);
  });
});
