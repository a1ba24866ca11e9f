import type { FieldError } from './field-error';
import { quote } from './names';

/** An absolute count ("2") or a share of the replicas ("25%"), as in maxSurge / maxUnavailable. */
export interface IntOrPercent {
  value: number;
  percent: boolean;
}

const INT_OR_PERCENT = /^(0|[1-9][0-9]{0,8})(%?)$/;

/** Parses "2" or "25%"; undefined for anything else (negative, fractional, spaces, empty). */
export function parseIntOrPercent(text: string): IntOrPercent | undefined {
  const match = INT_OR_PERCENT.exec(text);
  if (!match) return undefined;
  return { value: Number(match[1]), percent: match[2] === '%' };
}

/** Checks an int-or-percent field; '' means "the default" and passes. Percentages are 0-100%. */
export function validateIntOrPercent(path: string, text: string, maxInt: number): FieldError[] {
  if (text === '') return [];
  const parsed = parseIntOrPercent(text);
  if (!parsed) return [{ path, message: `must be a non-negative integer ("2") or a percentage ("25%"), got ${quote(text)}` }];
  if (parsed.percent && parsed.value > 100) return [{ path, message: `must be at most 100%, got ${quote(text)}` }];
  if (!parsed.percent && parsed.value > maxInt) return [{ path, message: `must be at most ${maxInt}, got ${quote(text)}` }];
  return [];
}

/** True when the text is an explicit zero ("0" or "0%"). */
export function isExplicitZero(text: string): boolean {
  return parseIntOrPercent(text)?.value === 0;
}
