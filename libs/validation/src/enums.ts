import type { FieldError } from './field-error';

/** A ts-proto enum object: names to numbers and, in reverse, numbers to names. */
export type ProtoEnum = Record<string, string | number>;

/**
 * Checks an enum field. ts-proto decodes an enum number it does not know as the raw number (and
 * fromPartial keeps whatever it is given), so "is a member" must be checked, not assumed.
 * `required` also rejects the zero value (`*_UNSPECIFIED`).
 */
export function validateEnum(path: string, value: number, enumObject: ProtoEnum, required: boolean): FieldError[] {
  const name = enumObject[value];
  const known = Number.isInteger(value) && value >= 0 && typeof name === 'string';
  if (known && !(required && value === 0)) return [];
  const allowed = knownValues(enumObject)
    .filter((v) => !required || v !== 0)
    .map((v) => enumObject[v] as string);
  if (known) return [{ path, message: `is required: one of ${allowed.join(', ')}` }];
  return [{ path, message: `must be one of ${allowed.join(', ')}, got ${value}` }];
}

/** The non-negative numbers an enum defines, in order (UNRECOGNIZED = -1 excluded). */
function knownValues(enumObject: ProtoEnum): number[] {
  return Object.values(enumObject)
    .filter((v): v is number => typeof v === 'number' && v >= 0)
    .sort((a, b) => a - b);
}
