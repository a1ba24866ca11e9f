import type { Setting } from '@helios/config';
import { resolveCapacityOptions, type CapacityOptions } from '@helios/capacity';

/**
 * The capacity planner's knobs, shared by the capacity and placement controllers (both must agree
 * on how long a CapacityUnavailable pool is skipped). Part of the control plane's settings (flags,
 * then environment), handed to the controllers in ControllerDeps.
 */
export interface CapacitySettings {
  scaleDownCooldownSeconds: number;
  headroomGpus: number;
  headroomPercent: number;
  capacityUnavailableBackoffSeconds: number;
  cellUnreachableGraceSeconds: number;
  resyncSeconds: number;
  /**
   * A cell is planned this long after the first event that concerns it, not at once: a burst of
   * placements and bindings in a cell (hundreds a second) is planned once per window rather than
   * once per replica, as cluster-autoscaler plans on an interval. 0 plans at once.
   */
  coalesceMs: number;
}

/**
 * Applies the defaults, the one place they are written: the planner's own (resolveCapacityOptions)
 * for its four knobs, 30 s for the cell grace and the resync, 500 ms for the coalescing window. Negative numbers read as 0, a resync
 * below 1 s as 1 s. The settings table below takes its defaults from here, and so do the
 * controllers built without the control plane's settings.
 */
export function resolveCapacitySettings(settings: Partial<CapacitySettings> = {}): CapacitySettings {
  const planner = resolveCapacityOptions(settings);
  return {
    scaleDownCooldownSeconds: planner.scaleDownCooldownSeconds,
    headroomGpus: planner.headroomGpus,
    headroomPercent: planner.headroomPercent,
    capacityUnavailableBackoffSeconds: planner.capacityUnavailableBackoffSeconds,
    cellUnreachableGraceSeconds: Math.max(0, settings.cellUnreachableGraceSeconds ?? 30),
    resyncSeconds: Math.max(1, settings.resyncSeconds ?? 30),
    coalesceMs: Math.max(0, settings.coalesceMs ?? 500),
  };
}

const DEFAULTS = resolveCapacitySettings();

/** The capacity settings' flags, environment variables and docs; part of the control plane's settings table. */
export const CAPACITY_SETTINGS = {
  scaleDownCooldownSeconds: {
    flag: 'scale-down-cooldown-seconds',
    env: 'HELIOS_SCALE_DOWN_COOLDOWN_SECONDS',
    default: DEFAULTS.scaleDownCooldownSeconds,
    min: 0,
    doc: 'seconds after a pool last scaled up before it may scale down',
  },
  headroomGpus: { flag: 'headroom-gpus', env: 'HELIOS_HEADROOM_GPUS', default: DEFAULTS.headroomGpus, min: 0, doc: 'free GPUs to keep per cell and GPU type on top of demand' },
  headroomPercent: { flag: 'headroom-percent', env: 'HELIOS_HEADROOM_PERCENT', default: DEFAULTS.headroomPercent, min: 0, doc: 'free GPUs to keep, as a percent of demand' },
  capacityUnavailableBackoffSeconds: {
    flag: 'capacity-unavailable-backoff-seconds',
    env: 'HELIOS_CAPACITY_UNAVAILABLE_BACKOFF_SECONDS',
    default: DEFAULTS.capacityUnavailableBackoffSeconds,
    min: 0,
    doc: 'seconds a pool marked CapacityUnavailable is skipped by placement and the planner',
  },
  cellUnreachableGraceSeconds: {
    flag: 'cell-unreachable-grace-seconds',
    env: 'HELIOS_CELL_UNREACHABLE_GRACE_SECONDS',
    default: DEFAULTS.cellUnreachableGraceSeconds,
    min: 0,
    doc: 'seconds a cell may have no live agent before its replicas waiting for a node are placed elsewhere',
  },
  resyncSeconds: { flag: 'capacity-resync-seconds', env: 'HELIOS_CAPACITY_RESYNC_SECONDS', default: DEFAULTS.resyncSeconds, min: 1, doc: 'plan every cell at least this often' },
  coalesceMs: {
    flag: 'capacity-coalesce-ms',
    env: 'HELIOS_CAPACITY_COALESCE_MS',
    default: DEFAULTS.coalesceMs,
    min: 0,
    doc: 'plan a cell this many ms after the first change that concerns it, so a burst of changes is planned once (0: at once)',
  },
} satisfies { [K in keyof CapacitySettings]: Setting<number> };

/** The planner options the settings stand for. */
export function plannerOptions(settings: CapacitySettings): CapacityOptions {
  return {
    scaleDownCooldownSeconds: settings.scaleDownCooldownSeconds,
    headroomGpus: settings.headroomGpus,
    headroomPercent: settings.headroomPercent,
    capacityUnavailableBackoffSeconds: settings.capacityUnavailableBackoffSeconds,
  };
}
