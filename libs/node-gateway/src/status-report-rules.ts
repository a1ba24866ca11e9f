import type { ReportStatusRequest } from '@helios/api';
import { LIMITS, validateName, validateString, type FieldError } from '@helios/validation';
import { validateReportedNodeStatus } from './node-facts';

// A node runs at most one replica per GPU, and a report carries each at most once; this leaves
// room for replicas still stopping and none for a flood.
export const MAX_REPLICA_REPORTS = 256;

/**
 * Checks a status report: the node's own status fields, and per replica its deployment and name
 * (etcd key segments: DNS labels) and uid: `replicas[1].uid: is required`.
 */
export function validateStatusReport(request: ReportStatusRequest): FieldError[] {
  const errors = request.nodeStatus ? validateReportedNodeStatus(request.nodeStatus) : [];
  if (request.replicas.length > MAX_REPLICA_REPORTS) return [...errors, { path: 'replicas', message: `at most ${MAX_REPLICA_REPORTS} per report, got ${request.replicas.length}` }];
  request.replicas.forEach((report, i) => {
    errors.push(
      ...validateName(`replicas[${i}].deployment`, report.deployment),
      ...validateName(`replicas[${i}].name`, report.name),
      ...validateString(`replicas[${i}].uid`, report.uid, LIMITS.shortString, true),
    );
  });
  return errors;
}
