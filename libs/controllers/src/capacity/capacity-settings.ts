import { loadConfig, type Resolved } from '@helios/config';
import type { CapacityOptions } from '@helios/capacity';

/**
 * The capacity planner's knobs, shared by the capacity and placement controllers (both must agree
 * on how long a CapacityUnavailable pool is skipped). Part of the control plane's settings (flags,
 * then environment), handed to the controllers in ControllerDeps.
 */
export const CAPACITY_SETTINGS = {
  scaleDownCooldownSeconds: {
    flag: 'scale-down-cooldown-seconds',
    env: 'HELIOS_SCALE_DOWN_COOLDOWN_SECONDS',
    default: 300,
    min: 0,
    doc: 'seconds after a pool last scaled up before it may scale down',
  },
  headroomGpus: { flag: 'headroom-gpus', env: 'HELIOS_HEADROOM_GPUS', default: 0, min: 0, doc: 'free GPUs to keep per cell and GPU type on top of demand' },
  headroomPercent: { flag: 'headroom-percent', env: 'HELIOS_HEADROOM_PERCENT', default: 0, min: 0, doc: 'free GPUs to keep, as a percent of demand' },
  capacityUnavailableBackoffSeconds: {
    flag: 'capacity-unavailable-backoff-seconds',
    env: 'HELIOS_CAPACITY_UNAVAILABLE_BACKOFF_SECONDS',
    default: 300,
    min: 0,
    doc: 'seconds a pool marked CapacityUnavailable is skipped by placement and the planner',
  },
  cellUnreachableGraceSeconds: {
    flag: 'cell-unreachable-grace-seconds',
    env: 'HELIOS_CELL_UNREACHABLE_GRACE_SECONDS',
    default: 30,
    min: 0,
    doc: 'seconds a cell may have no live agent before its replicas waiting for a node are placed elsewhere',
  },
  resyncSeconds: { flag: 'capacity-resync-seconds', env: 'HELIOS_CAPACITY_RESYNC_SECONDS', default: 30, min: 1, doc: 'plan every cell at least this often' },
};

/** The resolved capacity settings. */
export type CapacitySettings = Resolved<typeof CAPACITY_SETTINGS>;

/** The capacity settings' defaults, for controllers built without the control plane's settings (tests). */
export function defaultCapacitySettings(): CapacitySettings {
  return loadConfig(CAPACITY_SETTINGS, [], {});
}

/** The planner options the settings stand for. */
export function plannerOptions(settings: CapacitySettings): CapacityOptions {
  return {
    scaleDownCooldownSeconds: settings.scaleDownCooldownSeconds,
    headroomGpus: settings.headroomGpus,
    headroomPercent: settings.headroomPercent,
    capacityUnavailableBackoffSeconds: settings.capacityUnavailableBackoffSeconds,
  };
}
