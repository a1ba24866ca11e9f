/** One look at the deployment: spec.replicas and the Ready replicas, at ms t. */
export interface ReplicaSample {
  t: number;
  desired: number;
  ready: number;
}

/** Replicas needed to serve `rate` requests/s of `latencyMs` each at `target` in flight per replica (Little's law). */
export function neededReplicas(rate: number, latencyMs: number, target: number): number {
  return Math.max(0, Math.ceil((rate * latencyMs) / 1000 / target - 1e-9));
}

/** Seconds from `from` until the first sample at or after it satisfying `ok`; undefined when none does. */
export function secondsUntil(samples: readonly ReplicaSample[], from: number, ok: (s: ReplicaSample) => boolean): number | undefined {
  const hit = samples.find((s) => s.t >= from && ok(s));
  return hit ? Math.round((hit.t - from) / 10) / 100 : undefined;
}

/** The most replicas asked for in [from, to). */
export function peakDesired(samples: readonly ReplicaSample[], from: number, to: number): number {
  return Math.max(0, ...samples.filter((s) => s.t >= from && s.t < to).map((s) => s.desired));
}

/**
 * Direction changes of spec.replicas in [from, to): a rise after a fall or a fall after a rise.
 * Example: desired 4, 5, 5, 4, 4, 5 -> up, down, up -> 2 changes.
 */
export function flapCount(samples: readonly ReplicaSample[], from: number, to: number): number {
  let last = 0;
  let changes = 0;
  let previous: number | undefined;
  for (const s of samples) {
    if (s.t < from || s.t >= to) continue;
    if (previous !== undefined && s.desired !== previous) {
      const direction = Math.sign(s.desired - previous);
      if (last !== 0 && direction !== last) changes++;
      last = direction;
    }
    previous = s.desired;
  }
  return changes;
}

/** The figures of one run and the targets of the issue. */
export interface AutoscaleFigures {
  scaleUpSeconds: number | undefined;
  scaleDownSeconds: number | undefined;
  overshootReplicas: number;
  flapCount: number;
  coldStartFirstResponseSeconds: number | undefined;
  failedRequests: number;
}

/** What misses its target: scale-up within 30 s, no flap, no failed request, overshoot at most 1. */
export function benchFailures(f: AutoscaleFigures): string[] {
  const failures: string[] = [];
  if (f.scaleUpSeconds === undefined || f.scaleUpSeconds > 30) failures.push(`scaleUpSeconds ${f.scaleUpSeconds ?? 'never'} > 30`);
  if (f.flapCount !== 0) failures.push(`flapCount ${f.flapCount} != 0`);
  if (f.failedRequests !== 0) failures.push(`failedRequests ${f.failedRequests} != 0`);
  if (f.overshootReplicas > 1) failures.push(`overshootReplicas ${f.overshootReplicas} > 1`);
  if (f.scaleDownSeconds === undefined) failures.push('never scaled down');
  if (f.coldStartFirstResponseSeconds === undefined) failures.push('no answer after zero');
  return failures;
}
