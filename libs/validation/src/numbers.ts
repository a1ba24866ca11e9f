import type { FieldError } from './field-error';

/** Checks that a number is an integer in [min, max]; proto int32 fields arrive as plain numbers. */
export function validateInt(path: string, value: number, min: number, max: number): FieldError[] {
  if (!Number.isInteger(value)) return [{ path, message: `must be an integer, got ${value}` }];
  if (value < min) return [{ path, message: min === 0 ? `must not be negative, got ${value}` : `must be >= ${min}, got ${value}` }];
  if (value > max) return [{ path, message: `must be <= ${max}, got ${value}` }];
  return [];
}

/** Checks that a double is finite and in [min, max] (NaN and Infinity survive protobuf encoding). */
export function validateNumber(path: string, value: number, min: number, max: number): FieldError[] {
  if (!Number.isFinite(value)) return [{ path, message: `must be a finite number, got ${value}` }];
  if (value < min) return [{ path, message: min === 0 ? `must not be negative, got ${value}` : `must be >= ${min}, got ${value}` }];
  if (value > max) return [{ path, message: `must be <= ${max}, got ${value}` }];
  return [];
}
