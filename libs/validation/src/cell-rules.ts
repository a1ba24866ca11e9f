import { CellSpec } from '@helios/api';
import type { FieldError } from './field-error';
import { LIMITS } from './limits';
import { quote, validateNameList } from './names';
import { validateString } from './strings';

/** The provider adapters a cell can name. */
export const PROVIDERS = ['sim', 'aws', 'gcp'] as const;

/** Checks a Cell spec: a known provider, a region for real clouds, distinct zones. */
export function validateCellSpec(spec: CellSpec | undefined): FieldError[] {
  const s = spec ?? CellSpec.fromPartial({});
  const errors: FieldError[] = [];
  if (s.provider === '') errors.push({ path: 'spec.provider', message: `is required: one of ${PROVIDERS.join(', ')}` });
  else if (!(PROVIDERS as readonly string[]).includes(s.provider)) {
    errors.push({ path: 'spec.provider', message: `must be one of ${PROVIDERS.join(', ')}, got ${quote(s.provider)}` });
  }
  // The simulated cloud has no regions; a real one cannot launch anything without one.
  errors.push(...validateString('spec.region', s.region, LIMITS.shortString, s.provider === 'aws' || s.provider === 'gcp'));
  errors.push(...validateNameList('spec.zones', s.zones, LIMITS.zones));
  return errors;
}
