/**
 * Parses the body of the metadata server's `instance/preempted`: "TRUE" once GCE has begun
 * preempting the VM, "FALSE" otherwise; throws on anything else.
 */
export function parsePreempted(body: string): boolean {
  const value = body.trim();
  if (value === 'TRUE') return true;
  if (value === 'FALSE') return false;
  throw new Error(`instance/preempted is neither TRUE nor FALSE: ${JSON.stringify(body.slice(0, 100))}`);
}
