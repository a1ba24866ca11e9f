/**
 * GCE label keys Helios writes on every instance it launches, and filters on in `list`. The tier
 * label's value is the tier's word (tierWord), the same as EC2's tag.
 */
export const HELIOS_LABEL = {
  cell: 'helios-cell',
  pool: 'helios-pool',
  node: 'helios-node',
  tier: 'helios-tier',
} as const;

/** Prefix of the instance description that carries the launch token (labels cannot hold it). */
export const TOKEN_DESCRIPTION_PREFIX = 'helios:launch-token=';

// GCE label values: at most 63 characters, lowercase letters, digits, '_' and '-'. (GCE also allows
// international lowercase letters; Helios names never use them.) Validated, not rewritten: a value
// changed on the way in would not match the name it came from on the way back.
const LABEL_VALUE = /^[a-z0-9_-]{1,63}$/;
// GCE instance names (RFC 1035): a lowercase letter, then letters, digits or '-', not ending in '-'.
const INSTANCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** True when `value` can be a GCE label value as is. */
export function isLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}

/** True when `name` can be a GCE instance name as is. */
export function isInstanceName(name: string): boolean {
  return INSTANCE_NAME.test(name);
}
