import { LoadReport } from '@helios/api';
import type { AutoscalingPolicy } from '../autoscaling-policy';
import { decideScale, type ScaleDecision } from '../decide-scale';
import { observeLoad, type ReplicaView } from '../observe-load';
import { EMPTY_SCALER_STATE } from '../scaler-state';

/** A deployment driven by decideScale on a simulated clock, for the scenario tables. */
export interface SimulationOptions {
  policy: AutoscalingPolicy;
  /** Replicas at the start, all Ready. */
  replicas: number;
  /** Total in-flight requests at ms t from the start (spread evenly over the Ready replicas). */
  load: (t: number) => number;
  /** Requests held for want of a Ready replica at t (default: all of the load while none is Ready). */
  held?: (t: number, ready: number) => number;
  /** How long a new replica takes to become Ready; Infinity: never. Default 0 (at the next tick). */
  launchMs?: number;
  /** Whether anyone reports at t (default: always). */
  reporting?: (t: number) => boolean;
  /** Decisions are taken this often (default 2 s, the KPA's tick). */
  tickMs?: number;
  durationMs: number;
}

/** One tick of a simulation. */
export interface SimulationTick {
  t: number;
  replicas: number;
  ready: number;
  decision: ScaleDecision;
}

/**
 * Runs decideScale every tick: new replicas become Ready after launchMs, removed ones go at once
 * (newest first), and one router reports in-flight per Ready replica and the held requests.
 */
export function simulate(options: SimulationOptions): SimulationTick[] {
  const tickMs = options.tickMs ?? 2_000;
  const launchMs = options.launchMs ?? 0;
  let readyAt: number[] = Array.from({ length: options.replicas }, () => -Infinity);
  let state = EMPTY_SCALER_STATE;
  const ticks: SimulationTick[] = [];
  for (let t = 0; t <= options.durationMs; t += tickMs) {
    const views: ReplicaView[] = readyAt.map((at, i) => ({ name: `r${i}`, ready: at <= t }));
    const ready = views.filter((v) => v.ready).length;
    const total = options.load(t);
    const held = options.held ? options.held(t, ready) : ready === 0 ? total : 0;
    const served = total - held;
    const reporting = options.reporting?.(t) ?? true;
    const report = LoadReport.fromPartial({
      deployment: 'd',
      reporter: 'router',
      heldRequests: held,
      replicas: views.filter((v) => v.ready).map((v) => ({ replica: v.name, inFlight: served / ready })),
    });
    const observation = observeLoad(options.policy.metrics, reporting ? [report] : [], views);
    const decision = decideScale(options.policy, state, { now: t, current: readyAt.length, ready, observation });
    state = decision.state;
    ticks.push({ t, replicas: readyAt.length, ready, decision });
    if (decision.replicas > readyAt.length) readyAt = [...readyAt, ...Array.from({ length: decision.replicas - readyAt.length }, () => t + launchMs)];
    else readyAt = readyAt.slice(0, decision.replicas);
  }
  return ticks;
}

/** Times the count changed direction (up after down or down after up). */
export function directionChanges(ticks: readonly SimulationTick[]): number {
  let last = 0;
  let changes = 0;
  for (const tick of ticks) {
    const delta = Math.sign(tick.decision.replicas - tick.replicas);
    if (delta === 0) continue;
    if (last !== 0 && delta !== last) changes++;
    last = delta;
  }
  return changes;
}

/** A deterministic noise source in [-1, 1) (a linear congruential generator), so a flapping test repeats exactly. */
export function noise(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x / 2 ** 32) * 2 - 1;
  };
}
