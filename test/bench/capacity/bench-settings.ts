import type { Resolved } from '@helios/config';

/** Every knob of `npm run bench:capacity -- [--flag value ...]`. */
export const BENCH_SETTINGS = {
  window: { flag: 'window', env: 'HELIOS_BENCH_WINDOW', default: 8, doc: 'seconds of steady state sampled after each trace step settles' },
  cooldown: { flag: 'cooldown', env: 'HELIOS_BENCH_COOLDOWN', default: 8, doc: 'scale-down cooldown of the capacity planner, seconds' },
  backoff: { flag: 'backoff', env: 'HELIOS_BENCH_BACKOFF', default: 30, doc: 'seconds a CapacityUnavailable pool is skipped by placement and the planner' },
  notice: { flag: 'notice', env: 'HELIOS_BENCH_NOTICE', default: 8, doc: 'seconds between a preemption notice and the instance dying' },
  launchLatency: { flag: 'launch-latency', env: 'HELIOS_BENCH_LAUNCH_LATENCY', default: 300, doc: 'sim cloud: launch to running, ms' },
  settleTimeout: { flag: 'settle-timeout', env: 'HELIOS_BENCH_SETTLE_TIMEOUT', default: 120, doc: 'seconds to wait for a step to settle before giving up on it' },
  keep: { flag: 'keep', env: 'HELIOS_BENCH_KEEP', default: false, doc: 'keep the work dir (etcd data, logs) after the run' },
  help: { flag: 'help', env: 'HELIOS_BENCH_HELP', default: false, doc: 'print this help' },
};

/** The resolved settings of one run. */
export type BenchSettings = Resolved<typeof BENCH_SETTINGS>;

/** Targets the run must meet, or the benchmark exits non-zero. */
export const TARGETS = { allocationRatio: 0.97, duplicateInstances: 0, lostReplicas: 0 };
