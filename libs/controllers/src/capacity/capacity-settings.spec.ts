import { loadConfig } from '@helios/config';
import { resolveCapacityOptions } from '@helios/capacity';
import { describe, expect, it } from 'vitest';
import { CAPACITY_SETTINGS, plannerOptions, resolveCapacitySettings } from './capacity-settings';

describe('resolveCapacitySettings', () => {
  it("defaults to the planner's own defaults, 30 s for the cell grace and the resync, 500 ms for the coalescing window", () => {
    expect(resolveCapacitySettings()).toEqual({
      scaleDownCooldownSeconds: 300,
      headroomGpus: 0,
      headroomPercent: 0,
      capacityUnavailableBackoffSeconds: 300,
      cellUnreachableGraceSeconds: 30,
      resyncSeconds: 30,
      coalesceMs: 500,
    });
    expect(resolveCapacityOptions(plannerOptions(resolveCapacitySettings()))).toEqual(resolveCapacityOptions());
  });

  it.each([
    { given: { scaleDownCooldownSeconds: 60 }, field: 'scaleDownCooldownSeconds', want: 60 },
    { given: { headroomGpus: 8 }, field: 'headroomGpus', want: 8 },
    { given: { headroomPercent: -5 }, field: 'headroomPercent', want: 0 },
    { given: { capacityUnavailableBackoffSeconds: 0 }, field: 'capacityUnavailableBackoffSeconds', want: 0 },
    { given: { cellUnreachableGraceSeconds: -1 }, field: 'cellUnreachableGraceSeconds', want: 0 },
    { given: { resyncSeconds: 0 }, field: 'resyncSeconds', want: 1 },
    { given: { resyncSeconds: undefined }, field: 'resyncSeconds', want: 30 },
    { given: { coalesceMs: -1 }, field: 'coalesceMs', want: 0 },
  ] as const)('$given -> $field $want', ({ given, field, want }) => {
    expect(resolveCapacitySettings(given)[field]).toBe(want);
  });

  it('is where the settings table takes its defaults from', () => {
    expect(loadConfig(CAPACITY_SETTINGS, [], {})).toEqual(resolveCapacitySettings());
  });
});
