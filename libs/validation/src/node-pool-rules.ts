import { NodePoolSpec, Tier } from '@helios/api';
import type { FieldError } from './field-error';
import { validateEnum } from './enums';
import { LIMITS } from './limits';
import { validateName } from './names';
import { validateInt, validateNumber } from './numbers';
import { validateString } from './strings';

/**
 * Checks a NodePool spec: its cell, GPUs per node (1-16) and their type, a tier, and
 * 0 <= min <= max <= 100,000 nodes. A reservation id only makes sense on the reserved tier.
 */
export function validateNodePoolSpec(spec: NodePoolSpec | undefined): FieldError[] {
  const s = spec ?? NodePoolSpec.fromPartial({});
  const errors: FieldError[] = [
    ...validateName('spec.cell', s.cell),
    ...validateInt('spec.gpusPerNode', s.gpusPerNode, 1, LIMITS.gpusPerNode),
    ...validateString('spec.gpuType', s.gpuType, LIMITS.shortString, true),
    ...validateString('spec.instanceType', s.instanceType, LIMITS.shortString),
    ...validateEnum('spec.tier', s.tier, Tier, true),
    ...validateString('spec.reservationId', s.reservationId, LIMITS.shortString),
    ...validateString('spec.zone', s.zone, LIMITS.shortString),
    ...validateNumber('spec.hourlyPrice', s.hourlyPrice, 0, LIMITS.hourlyPrice),
  ];
  const minErrors = validateInt('spec.min', s.min, 0, LIMITS.poolNodes);
  const maxErrors = validateInt('spec.max', s.max, 0, LIMITS.poolNodes);
  errors.push(...minErrors, ...maxErrors);
  if (minErrors.length === 0 && maxErrors.length === 0 && s.min > s.max) {
    errors.push({ path: 'spec.min', message: `must be <= spec.max (${s.min} > ${s.max})` });
  }
  if (s.reservationId !== '' && s.tier !== Tier.TIER_RESERVED) {
    errors.push({ path: 'spec.reservationId', message: 'is only allowed with spec.tier TIER_RESERVED' });
  }
  return errors;
}
