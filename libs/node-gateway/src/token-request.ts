import type { CreateBootstrapTokenRequest } from '@helios/api';
import { validateName, type FieldError } from '@helios/validation';

/** A CreateBootstrapToken request with its defaults applied. */
export interface TokenSpec {
  cell: string;
  pool: string;
  uses: number;
  ttlSeconds: number;
  description: string;
}

/** Bounds of a bootstrap token: 1-1,000 joins, a lifetime of 1 minute to 7 days (default 1 h). */
export const TOKEN_LIMITS = {
  minUses: 1,
  maxUses: 1_000,
  defaultTtlSeconds: 3_600,
  minTtlSeconds: 60,
  maxTtlSeconds: 7 * 24 * 3_600,
  descriptionLength: 253,
} as const;

/**
 * Applies the defaults (uses 0 -> 1, ttl 0 -> 1 h) and checks the request, or returns its field
 * errors. The cell need not exist yet: a token made while a cell is being brought up lets its
 * first hosts join as soon as they boot (their Nodes wait for the Cell like any other).
 *
 * Example: {cell: c1} -> {cell: c1, pool: '', uses: 1, ttlSeconds: 3600}; {cell: c1, uses: 1001}
 * -> uses: must be <= 1000.
 */
export function resolveTokenRequest(request: CreateBootstrapTokenRequest): TokenSpec | FieldError[] {
  const uses = request.uses === 0 ? TOKEN_LIMITS.minUses : request.uses;
  const ttlSeconds = request.ttlSeconds === 0 ? TOKEN_LIMITS.defaultTtlSeconds : request.ttlSeconds;
  const errors: FieldError[] = [
    ...validateName('cell', request.cell),
    ...validateName('pool', request.pool, false),
    ...range('uses', uses, TOKEN_LIMITS.minUses, TOKEN_LIMITS.maxUses),
    ...range('ttlSeconds', ttlSeconds, TOKEN_LIMITS.minTtlSeconds, TOKEN_LIMITS.maxTtlSeconds),
  ];
  if (request.description.length > TOKEN_LIMITS.descriptionLength) {
    errors.push({ path: 'description', message: `must be at most ${TOKEN_LIMITS.descriptionLength} characters, got ${request.description.length}` });
  }
  if (errors.length > 0) return errors;
  return { cell: request.cell, pool: request.pool, uses, ttlSeconds, description: request.description };
}

function range(path: string, value: number, min: number, max: number): FieldError[] {
  if (!Number.isInteger(value) || value < min || value > max) return [{ path, message: `must be an integer from ${min} to ${max}, got ${value}` }];
  return [];
}
