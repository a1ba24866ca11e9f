import type { FieldError } from './field-error';
import { LIMITS } from './limits';

/** Checks a string's length; `required` also rejects the empty string. */
export function validateString(path: string, value: string, max: number, required = false): FieldError[] {
  if (value === '' && required) return [{ path, message: 'is required' }];
  if (value.length > max) return [{ path, message: `must be at most ${max} characters, got ${value.length}` }];
  return [];
}

/** Checks a GPU type that is required exactly when the GPU count beside it is above zero. */
export function validateGpuType(path: string, gpuType: string, countPath: string, count: number): FieldError[] {
  if (gpuType === '' && count > 0) return [{ path, message: `is required when ${countPath} > 0` }];
  return validateString(path, gpuType, LIMITS.shortString);
}
