import { NodeSpec, Tier } from '@helios/api';
import type { FieldError } from './field-error';
import { validateEnum } from './enums';
import { LIMITS } from './limits';
import { validateName } from './names';
import { validateInt } from './numbers';
import { validateGpuType, validateString } from './strings';

/** Checks a Node spec: its cell, an optional pool, a known tier, 0-16 GPUs with a type when any. */
export function validateNodeSpec(spec: NodeSpec | undefined): FieldError[] {
  const s = spec ?? NodeSpec.fromPartial({});
  return [
    ...validateName('spec.cell', s.cell),
    ...validateName('spec.pool', s.pool, false),
    ...validateEnum('spec.tier', s.tier, Tier, false),
    ...validateString('spec.providerId', s.providerId, LIMITS.shortString),
    ...validateInt('spec.gpus', s.gpus, 0, LIMITS.gpusPerNode),
    ...validateGpuType('spec.gpuType', s.gpuType, 'spec.gpus', s.gpus),
    ...validateString('spec.zone', s.zone, LIMITS.shortString),
  ];
}
