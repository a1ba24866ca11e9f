import type { LoadReport } from '@helios/api';
import { child, indexed, keyed, type FieldError } from './field-error';
import { LIMITS } from './limits';
import { validateName } from './names';
import { validateNumber } from './numbers';

// A reporter id becomes a key segment (load/<deployment>/<reporter>): a router's or a replica's
// name, or a host-pid id, so letters, digits, '-', '_' and '.'.
const REPORTER = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,251}[A-Za-z0-9])?$/;
const GAUGE_NAME = /^[A-Za-z_][A-Za-z0-9_:.-]{0,62}$/;
const MAX_GAUGES = 32;

/**
 * Checks the fields of a load report (the deployment and replicas existing is the API's to
 * check): names that can be keys, one entry per replica, every signal a finite number >= 0
 * (NaN and Infinity survive protobuf encoding and would poison every average they enter).
 * Paths start at `path`, e.g. `report.replicas[2].inFlight`.
 */
export function validateLoadReport(path: string, report: LoadReport | undefined): FieldError[] {
  if (!report) return [{ path, message: 'is required' }];
  const errors: FieldError[] = [...validateName(child(path, 'deployment'), report.deployment)];
  if (!REPORTER.test(report.reporter)) {
    errors.push({ path: child(path, 'reporter'), message: `must be 1-253 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, got ${JSON.stringify(report.reporter)}` });
  }
  errors.push(...validateNumber(child(path, 'heldRequests'), report.heldRequests, 0, Number.MAX_SAFE_INTEGER));
  const replicasPath = child(path, 'replicas');
  if (report.replicas.length > LIMITS.replicas) errors.push({ path: replicasPath, message: `must have at most ${LIMITS.replicas} entries, got ${report.replicas.length}` });
  const seen = new Set<string>();
  report.replicas.forEach((load, i) => {
    const at = indexed(replicasPath, i);
    errors.push(...validateName(child(at, 'replica'), load.replica));
    if (seen.has(load.replica)) errors.push({ path: child(at, 'replica'), message: `duplicate replica ${JSON.stringify(load.replica)}` });
    seen.add(load.replica);
    for (const field of ['inFlight', 'queueDepth', 'requestsPerSecond'] as const) errors.push(...validateNumber(child(at, field), load[field], 0, Number.MAX_SAFE_INTEGER));
    const gauges = Object.entries(load.gauges ?? {});
    if (gauges.length > MAX_GAUGES) errors.push({ path: child(at, 'gauges'), message: `must have at most ${MAX_GAUGES} entries, got ${gauges.length}` });
    for (const [name, value] of gauges) {
      const gaugePath = keyed(child(at, 'gauges'), name);
      if (!GAUGE_NAME.test(name)) errors.push({ path: gaugePath, message: "invalid gauge name: a letter or '_', then up to 62 letters, digits, '_', ':', '.' or '-'" });
      errors.push(...validateNumber(gaugePath, value, 0, Number.MAX_SAFE_INTEGER));
    }
  });
  return errors;
}
