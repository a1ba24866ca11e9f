/** What one rolling-update step starts from: counts of live replicas (not retiring, not lost). */
export interface StepCounts {
  /** spec.replicas. */
  replicas: number;
  maxSurge: number;
  maxUnavailable: number;
  /** Live replicas of the target revision, and how many of them are available. */
  updated: number;
  updatedAvailable: number;
  /** Live replicas of every other revision, and how many of them are available. */
  old: number;
  oldAvailable: number;
}

/** The moves of one step, in counts; which replicas they concern is the retirement order's call. */
export interface Step {
  /** Replicas of the target revision to create. */
  create: number;
  /** Replicas of the target revision to retire: a scale-down (unavailable ones first). */
  retireUpdated: number;
  /** Replicas of older revisions to retire (unavailable ones first). */
  retireOld: number;
}

/**
 * One step of a rolling update, the arithmetic of Kubernetes' deployment controller
 * (`rolling.go`), with one difference: replicas retired in this step make room for creations in
 * the same step instead of the next one, which saves a round trip per step and keeps both bounds.
 *
 * 1. Target-revision replicas beyond spec.replicas are retired (a scale-down).
 * 2. Old replicas are retired while availability allows: first the unavailable ones, as many as
 *    `live - minAvailable - newUnavailable` (they serve nothing, so retiring them costs nothing,
 *    but new replicas still starting must not be counted on), then available ones, as many as
 *    `available - minAvailable`, where minAvailable = replicas - maxUnavailable.
 * 3. Target-revision replicas are created up to replicas, while live stays <= replicas + maxSurge.
 * Bounds kept: live <= replicas + maxSurge after the step, and available >= minAvailable (an
 * available replica is retired only when more than minAvailable are available).
 *
 * Worked example, replicas 10, maxSurge 3, maxUnavailable 0 (minAvailable 10, at most 13 live):
 * - 10 old available, 0 new          -> create 3                 (13 live, 10 available)
 * - the 3 new become available        -> retire 3 old, create 3   (13 live, 10 available)
 * - the 3 new become available        -> retire 3 old, create 3   (13 live, 10 available)
 * - 9 new + 4 old available           -> retire 3 old, create 1   (1 old, 10 new: 11 live)
 * - 10 new + 1 old available          -> retire 1 old             (done: 10 new)
 * With maxSurge 0 and maxUnavailable 2 it goes the other way round: 10 old available -> retire 2
 * old, create 2 (10 live, 8 available), and so on.
 * A broken revision: 10 old available and 3 new that never become available -> nothing moves (13
 * live); its unavailable replicas are never counted on, so no old one is retired.
 * A scale-up with no rollout: 10 new available, replicas raised to 15 -> create 5 at once (the
 * surge limit bounds the total, 18, not the step). A scale-down to 6 -> retire 4.
 */
export function rollingStep(counts: StepCounts): Step {
  const { replicas, maxSurge, maxUnavailable, updated, updatedAvailable, old, oldAvailable } = counts;
  const retireUpdated = Math.max(0, updated - replicas);
  const keptUpdated = updated - retireUpdated;
  // Retiring surplus target replicas takes the unavailable ones first.
  const keptUpdatedAvailable = Math.min(updatedAvailable, keptUpdated);

  let retireOld = 0;
  if (old > 0) {
    const minAvailable = replicas - maxUnavailable;
    const live = keptUpdated + old;
    const newUnavailable = keptUpdated - keptUpdatedAvailable;
    const maxScaledDown = live - minAvailable - newUnavailable;
    if (maxScaledDown > 0) {
      const cleanup = Math.min(maxScaledDown, old - oldAvailable);
      const available = keptUpdatedAvailable + oldAvailable;
      const scaleDown = Math.min(Math.max(0, available - minAvailable), old - cleanup);
      retireOld = cleanup + scaleDown;
    }
  }

  const live = keptUpdated + old - retireOld;
  const create = keptUpdated >= replicas ? 0 : Math.max(0, Math.min(replicas + maxSurge - live, replicas - keptUpdated));
  return { create, retireUpdated, retireOld };
}
