import type { ReportStatusRequest } from '@helios/api';
import { LIMITS, validateName, validateString, type FieldError } from '@helios/validation';
import { validateReportedNodeStatus } from './node-facts';

// A node runs at most one replica per GPU, and a report carries each at most once; this leaves
// room for replicas still stopping and none for a flood.
export const MAX_REPLICA_REPORTS = 256;

/**
 * Checks a status report: the node's own status fields, and per replica its deployment and name
 * (etcd key segments: DNS labels), once each, and uid: `replicas[1].uid: is required`.
 */
export function validateStatusReport(request: ReportStatusRequest): FieldError[] {
  const errors = request.nodeStatus ? validateReportedNodeStatus(request.nodeStatus) : [];
  if (request.replicas.length > MAX_REPLICA_REPORTS) return [...errors, { path: 'replicas', message: `at most ${MAX_REPLICA_REPORTS} per report, got ${request.replicas.length}` }];
  const seen = new Set<string>();
  request.replicas.forEach((report, i) => {
    // Replica writes go out batched in transactions, and etcd refuses a key twice in one.
    const key = `${report.deployment}/${report.name}`;
    if (seen.has(key)) errors.push({ path: `replicas[${i}]`, message: `replica ${key} is reported twice` });
    seen.add(key);
    errors.push(
      ...validateName(`replicas[${i}].deployment`, report.deployment),
      ...validateName(`replicas[${i}].name`, report.name),
      ...validateString(`replicas[${i}].uid`, report.uid, LIMITS.shortString, true),
    );
  });
  return errors;
}
