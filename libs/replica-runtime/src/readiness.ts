import type { ReadinessProbe } from '@helios/api';

/** A readiness probe with its defaults applied, in milliseconds. */
export interface ProbeSettings {
  /** HTTP GET path; empty means a TCP connect to the port is the probe. */
  path: string;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  /** Consecutive failures that take a ready replica out of service. */
  failureThreshold: number;
  /** Probe period until the first success, so a replica is seen ready soon after it is. */
  startupPeriodMs: number;
}

/** Defaults of an unset (0) probe field: period 2 s, timeout 1 s, 3 failures, no initial delay. */
export const PROBE_DEFAULTS = { periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 3, initialDelaySeconds: 0 } as const;

/**
 * How often a replica that has never been ready is probed. Kubernetes probes at the period
 * from the start; probing faster until the first success shortens every rollout step and every
 * failover (a replacement counts as available that much sooner), for the price of a few cheap
 * GETs while a process starts.
 */
export const STARTUP_PERIOD_MS = 250;

/** Applies the defaults to a template's probe (proto3 leaves unset numbers at 0). */
export function probeSettings(probe: ReadinessProbe | undefined): ProbeSettings {
  const periodMs = 1000 * (probe?.periodSeconds || PROBE_DEFAULTS.periodSeconds);
  return {
    path: probe?.path ?? '',
    initialDelayMs: 1000 * (probe?.initialDelaySeconds || PROBE_DEFAULTS.initialDelaySeconds),
    periodMs,
    timeoutMs: 1000 * (probe?.timeoutSeconds || PROBE_DEFAULTS.timeoutSeconds),
    failureThreshold: probe?.failureThreshold || PROBE_DEFAULTS.failureThreshold,
    startupPeriodMs: Math.min(periodMs, STARTUP_PERIOD_MS),
  };
}

/** What the probe loop knows about one process. */
export interface ReadinessState {
  ready: boolean;
  /** Whether this process has passed a probe before (it then probes at the normal period). */
  everReady: boolean;
  /** Failures in a row since the last success. */
  failures: number;
}

/** The state of a process that was just started. */
export const INITIAL_READINESS: ReadinessState = { ready: false, everReady: false, failures: 0 };

/** The result of one probe: the new state, whether readiness flipped, and when to probe next. */
export interface ReadinessStep {
  state: ReadinessState;
  /** 'ready' or 'unready' when this probe flipped readiness; undefined otherwise. */
  flipped: 'ready' | 'unready' | undefined;
  /** True when the probe has failed failureThreshold times in a row (worth reporting). */
  failing: boolean;
  nextDelayMs: number;
}

/**
 * Advances readiness by one probe result. One success makes a process ready; failureThreshold
 * failures in a row make a ready process unready (one slow answer must not pull a replica out
 * of service).
 *
 * Worked example with threshold 3, period 2 s, startup period 250 ms:
 * - new process: fail, fail, fail -> not ready, failing after the third, probed every 250 ms;
 * - then ok -> ready (flipped 'ready'), failures 0, probed every 2 s from now on;
 * - then fail, fail -> still ready (failures 2); ok -> failures 0;
 * - then fail, fail, fail -> unready at the third (flipped 'unready'), still probed every 2 s.
 */
export function nextReadiness(state: ReadinessState, ok: boolean, settings: ProbeSettings): ReadinessStep {
  if (ok) {
    const next = { ready: true, everReady: true, failures: 0 };
    return { state: next, flipped: state.ready ? undefined : 'ready', failing: false, nextDelayMs: settings.periodMs };
  }
  const failures = state.failures + 1;
  const failing = failures >= settings.failureThreshold;
  const ready = state.ready && !failing;
  const next = { ready, everReady: state.everReady, failures };
  return {
    state: next,
    flipped: state.ready && !ready ? 'unready' : undefined,
    failing,
    nextDelayMs: state.everReady ? settings.periodMs : settings.startupPeriodMs,
  };
}
