import type { protos } from '@google-cloud/compute';
import { ProviderError, isProviderError, type ProviderErrorCode } from '@helios/provider';

/** What a GCE failure says, whichever layer reported it (HTTP error body, gax error, operation). */
export interface GceErrorFacts {
  /** HTTP status, when known. */
  httpStatus?: number;
  /** `error.errors[].reason` of an HTTP error, ErrorInfo reasons, or `error.errors[].code` of an operation. */
  reasons: string[];
  message: string;
  /** From a Retry-After header. */
  retryAfterMs?: number;
}

// Reasons compared without case or underscores: GCE spells the same condition
// `QUOTA_EXCEEDED` in operations and `quotaExceeded` in HTTP error bodies.
const norm = (reason: string): string => reason.replace(/_/g, '').toLowerCase();
const CAPACITY = new Set(['ZONE_RESOURCE_POOL_EXHAUSTED', 'ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS', 'resourcePoolExhausted'].map(norm));
const QUOTA = new Set(['QUOTA_EXCEEDED', 'quotaExceeded'].map(norm));
const THROTTLED = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'RATE_LIMIT_EXCEEDED'].map(norm));
const NOT_FOUND = new Set(['notFound', 'RESOURCE_NOT_FOUND'].map(norm));
const ALREADY_EXISTS = new Set(['alreadyExists', 'RESOURCE_ALREADY_EXISTS'].map(norm));

/**
 * Classifies a GCE failure. Reasons decide before statuses, because GCE reports quota and rate
 * limits as 403 and capacity stockouts as 503: a stockout is InsufficientCapacity (not Unknown),
 * a quota is QuotaExceeded, rateLimitExceeded or HTTP 429 is Throttled, 404 is NotFound, other
 * 400/401/403/409 cannot succeed as written, and the rest is Unknown.
 */
export function classifyGceError(facts: Pick<GceErrorFacts, 'httpStatus' | 'reasons'>): ProviderErrorCode {
  const reasons = new Set(facts.reasons.map(norm));
  const any = (set: Set<string>) => [...reasons].some((r) => set.has(r));
  if (any(CAPACITY)) return 'InsufficientCapacity';
  if (any(QUOTA)) return 'QuotaExceeded';
  if (any(THROTTLED) || facts.httpStatus === 429) return 'Throttled';
  if (any(NOT_FOUND) || facts.httpStatus === 404) return 'NotFound';
  if (facts.httpStatus !== undefined && [400, 401, 403, 409, 412].includes(facts.httpStatus)) return 'InvalidConfiguration';
  return 'Unknown';
}

/** True when the facts say the resource already exists (HTTP 409 / alreadyExists). */
export function isAlreadyExists(facts: GceErrorFacts): boolean {
  return facts.httpStatus === 409 || facts.reasons.some((r) => ALREADY_EXISTS.has(norm(r)));
}

// gRPC status -> HTTP status, for errors gax decoded itself (GoogleError carries the gRPC code).
const GRPC_TO_HTTP: Readonly<Record<number, number>> = { 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 13: 500, 14: 503, 16: 401 };

interface ApiErrorBody {
  code?: unknown;
  message?: unknown;
  errors?: Array<{ reason?: unknown; message?: unknown }>;
  details?: Array<{ reason?: unknown }>;
}

function parseErrorBody(text: unknown): ApiErrorBody | undefined {
  if (typeof text !== 'string' || !text.trimStart().startsWith('{')) return undefined;
  try {
    const json = JSON.parse(text) as { error?: unknown };
    return typeof json.error === 'object' && json.error !== null ? (json.error as ApiErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

function retryAfterMsOf(headers: unknown): number | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const raw =
    typeof (headers as Headers).get === 'function' ? (headers as Headers).get('retry-after') : (headers as Record<string, unknown>)['retry-after'];
  const seconds = Number(raw);
  return raw != null && raw !== '' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

const strings = (values: unknown[]): string[] => values.filter((v): v is string => typeof v === 'string' && v !== '');

/**
 * Reads the facts out of anything a Compute SDK call threw: a GaxiosError (HTTP status, the JSON
 * error body as its message or response data), a gax GoogleError (gRPC code, decoded `errors`
 * and ErrorInfo `reason`), or a transport error (no status at all).
 */
export function gceErrorFacts(err: unknown): GceErrorFacts {
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const response = (typeof e.response === 'object' && e.response !== null ? e.response : {}) as Record<string, unknown>;
  const body = parseErrorBody(response.data) ?? parseErrorBody(e.message);
  let httpStatus: number | undefined;
  if (typeof e.status === 'number') httpStatus = e.status;
  else if (typeof body?.code === 'number') httpStatus = body.code;
  else if (typeof e.code === 'number') httpStatus = GRPC_TO_HTTP[e.code];
  const ownErrors = Array.isArray(e.errors) ? (e.errors as Array<{ reason?: unknown }>) : [];
  const reasons = strings([
    ...(body?.errors ?? []).map((x) => x.reason),
    ...(body?.details ?? []).map((x) => x.reason),
    ...ownErrors.map((x) => x.reason),
    e.reason,
  ]);
  const message = typeof body?.message === 'string' ? body.message : err instanceof Error ? err.message : String(err);
  return { httpStatus, reasons: [...new Set(reasons)], message, retryAfterMs: retryAfterMsOf(response.headers) };
}

/** Reads the facts out of a finished operation's `error` (and its HTTP error status). */
export function operationErrorFacts(op: protos.google.cloud.compute.v1.IOperation): GceErrorFacts | undefined {
  const errors = op.error?.errors ?? [];
  if (errors.length === 0) return undefined;
  return {
    httpStatus: op.httpErrorStatusCode ?? undefined,
    reasons: strings(errors.map((x) => x.code)),
    message: errors.map((x) => `${x.code ?? 'ERROR'}: ${x.message ?? ''}`).join('; '),
  };
}

/** Builds the ProviderError for `facts`, its message starting with `context`. */
export function providerErrorFrom(facts: GceErrorFacts, context: string, cause: unknown): ProviderError {
  const why = facts.reasons.length ? `${facts.reasons.join(', ')}: ${facts.message}` : facts.message;
  const status = facts.httpStatus === undefined ? '' : `HTTP ${facts.httpStatus} `;
  return new ProviderError(classifyGceError(facts), `${context}: ${status}${why}`, { cause, retryAfterMs: facts.retryAfterMs });
}

/** Translates anything a Compute SDK call threw into a ProviderError; ProviderErrors pass through. */
export function toProviderError(err: unknown, context: string): ProviderError {
  return isProviderError(err) ? err : providerErrorFrom(gceErrorFacts(err), context, err);
}
