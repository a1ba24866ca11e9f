import type { Setting } from '@helios/config';

/**
 * The control plane's autoscaling knobs (the per-deployment ones are in spec.autoscaling): how
 * often the autoscaler decides, and how long a load report outlives its reporter's silence.
 */
export interface AutoscalerSettings {
  /** The autoscaler samples the load and decides every this many ms (the KPA ticks every 2 s). */
  autoscalerTickMs: number;
  /** TTL of the leases load reports live on, seconds. */
  loadReportTtlSeconds: number;
}

/** Applies the defaults, the one place they are written: a 2 s tick, a 6 s report TTL (etcd's minimum is 2 s). */
export function resolveAutoscalerSettings(settings: Partial<AutoscalerSettings> = {}): AutoscalerSettings {
  return {
    autoscalerTickMs: Math.max(100, settings.autoscalerTickMs ?? 2_000),
    loadReportTtlSeconds: Math.max(2, settings.loadReportTtlSeconds ?? 6),
  };
}

const DEFAULTS = resolveAutoscalerSettings();

/** The autoscaler settings' flags, environment variables and docs; part of the control plane's settings table. */
export const AUTOSCALER_SETTINGS = {
  autoscalerTickMs: { flag: 'autoscaler-tick-ms', env: 'HELIOS_AUTOSCALER_TICK_MS', default: DEFAULTS.autoscalerTickMs, min: 100, doc: 'the autoscaler samples the load reports and decides every this many ms' },
  loadReportTtlSeconds: {
    flag: 'load-report-ttl-seconds',
    env: 'HELIOS_LOAD_REPORT_TTL_SECONDS',
    default: DEFAULTS.loadReportTtlSeconds,
    min: 2,
    doc: "seconds a load report outlives its reporter's last report (the lease it lives on)",
  },
} satisfies { [K in keyof AutoscalerSettings]: Setting<number> };
