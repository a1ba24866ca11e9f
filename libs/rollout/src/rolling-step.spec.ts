import { describe, expect, it } from 'vitest';
import { rollingStep, type StepCounts } from './rolling-step';

const surge3 = { replicas: 10, maxSurge: 3, maxUnavailable: 0 };
const unavailable2 = { replicas: 10, maxSurge: 0, maxUnavailable: 2 };

describe('rollingStep', () => {
  // Mirrors the worked example in rolling-step.ts.
  it.each([
    { name: 'surge: start', counts: { ...surge3, updated: 0, updatedAvailable: 0, old: 10, oldAvailable: 10 }, want: { create: 3, retireUpdated: 0, retireOld: 0 } },
    { name: 'surge: 3 new available', counts: { ...surge3, updated: 3, updatedAvailable: 3, old: 10, oldAvailable: 10 }, want: { create: 3, retireUpdated: 0, retireOld: 3 } },
    { name: 'surge: 6 new available', counts: { ...surge3, updated: 6, updatedAvailable: 6, old: 7, oldAvailable: 7 }, want: { create: 3, retireUpdated: 0, retireOld: 3 } },
    { name: 'surge: 9 new available', counts: { ...surge3, updated: 9, updatedAvailable: 9, old: 4, oldAvailable: 4 }, want: { create: 1, retireUpdated: 0, retireOld: 3 } },
    { name: 'surge: last old', counts: { ...surge3, updated: 10, updatedAvailable: 10, old: 1, oldAvailable: 1 }, want: { create: 0, retireUpdated: 0, retireOld: 1 } },
    { name: 'surge: done', counts: { ...surge3, updated: 10, updatedAvailable: 10, old: 0, oldAvailable: 0 }, want: { create: 0, retireUpdated: 0, retireOld: 0 } },
    { name: 'surge: new not yet available', counts: { ...surge3, updated: 3, updatedAvailable: 0, old: 10, oldAvailable: 10 }, want: { create: 0, retireUpdated: 0, retireOld: 0 } },
    { name: 'unavailable: start', counts: { ...unavailable2, updated: 0, updatedAvailable: 0, old: 10, oldAvailable: 10 }, want: { create: 2, retireUpdated: 0, retireOld: 2 } },
    { name: 'unavailable: 2 new starting', counts: { ...unavailable2, updated: 2, updatedAvailable: 0, old: 8, oldAvailable: 8 }, want: { create: 0, retireUpdated: 0, retireOld: 0 } },
    { name: 'unavailable: 2 new available', counts: { ...unavailable2, updated: 2, updatedAvailable: 2, old: 8, oldAvailable: 8 }, want: { create: 2, retireUpdated: 0, retireOld: 2 } },
    { name: 'broken revision: nothing moves', counts: { ...surge3, updated: 3, updatedAvailable: 0, old: 10, oldAvailable: 10 }, want: { create: 0, retireUpdated: 0, retireOld: 0 } },
    { name: 'old crashing replicas are cleaned up first', counts: { ...surge3, updated: 3, updatedAvailable: 3, old: 10, oldAvailable: 8 }, want: { create: 3, retireUpdated: 0, retireOld: 3 } },
    { name: 'scale up, no rollout', counts: { replicas: 15, maxSurge: 3, maxUnavailable: 0, updated: 10, updatedAvailable: 10, old: 0, oldAvailable: 0 }, want: { create: 5, retireUpdated: 0, retireOld: 0 } },
    { name: 'scale down, no rollout', counts: { replicas: 6, maxSurge: 3, maxUnavailable: 0, updated: 10, updatedAvailable: 10, old: 0, oldAvailable: 0 }, want: { create: 0, retireUpdated: 4, retireOld: 0 } },
    { name: 'first creation', counts: { replicas: 8, maxSurge: 2, maxUnavailable: 0, updated: 0, updatedAvailable: 0, old: 0, oldAvailable: 0 }, want: { create: 8, retireUpdated: 0, retireOld: 0 } },
    { name: 'replicas lost with a node', counts: { ...surge3, updated: 7, updatedAvailable: 7, old: 0, oldAvailable: 0 }, want: { create: 3, retireUpdated: 0, retireOld: 0 } },
    { name: 'scaled down mid-rollout', counts: { replicas: 4, maxSurge: 1, maxUnavailable: 0, updated: 3, updatedAvailable: 3, old: 10, oldAvailable: 10 }, want: { create: 1, retireUpdated: 0, retireOld: 9 } },
  ])('$name', ({ counts, want }) => {
    expect(rollingStep(counts)).toEqual(want);
  });

  it('keeps live <= replicas + maxSurge and available >= replicas - maxUnavailable over random states', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % (n + 1);
    };
    for (let i = 0; i < 5_000; i++) {
      const replicas = random(20);
      const maxSurge = random(5);
      const maxUnavailable = random(3);
      const updated = random(replicas + maxSurge);
      const old = random(Math.max(0, replicas + maxSurge - updated));
      const counts: StepCounts = { replicas, maxSurge, maxUnavailable, updated, updatedAvailable: random(updated), old, oldAvailable: random(old) };
      const step = rollingStep(counts);
      const liveAfter = counts.updated + counts.old + step.create - step.retireUpdated - step.retireOld;
      // Retirement takes unavailable replicas first; the worst case for availability is the rest.
      const availableBefore = counts.updatedAvailable + counts.oldAvailable;
      const unavailableOld = counts.old - counts.oldAvailable;
      const unavailableNew = counts.updated - counts.updatedAvailable;
      const availableLost = Math.max(0, step.retireOld - unavailableOld) + Math.max(0, step.retireUpdated - unavailableNew);
      const context = JSON.stringify({ counts, step });
      expect(step.create >= 0 && step.retireOld >= 0 && step.retireUpdated >= 0, context).toBe(true);
      expect(step.retireOld <= counts.old && step.retireUpdated <= counts.updated, context).toBe(true);
      if (counts.updated + counts.old <= replicas + maxSurge) expect(liveAfter, context).toBeLessThanOrEqual(replicas + maxSurge);
      if (availableBefore >= replicas - maxUnavailable && step.retireUpdated === 0) {
        expect(availableBefore - availableLost, context).toBeGreaterThanOrEqual(replicas - maxUnavailable);
      }
    }
  });
});
