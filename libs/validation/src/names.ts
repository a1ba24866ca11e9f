import { indexed, keyed, type FieldError } from './field-error';
import { LIMITS } from './limits';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** True for a DNS-1123 label: lowercase letters, digits and '-', starts and ends alphanumeric, <= 63 characters. */
export function isDnsLabel(value: string): boolean {
  return value.length <= LIMITS.nameLength && DNS_LABEL.test(value);
}

/**
 * Checks a name that becomes an etcd key segment (resource names, cells, deployments). Being a
 * DNS label is also what keeps a name from containing '/' and escaping its key prefix.
 */
export function validateName(path: string, value: string, required = true): FieldError[] {
  if (value === '') return required ? [{ path, message: 'is required' }] : [];
  if (isDnsLabel(value)) return [];
  return [
    {
      path,
      message: `must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${LIMITS.nameLength} characters), got ${quote(value)}`,
    },
  ];
}

/**
 * Checks a Kubernetes-style qualified key: an optional DNS subdomain prefix and '/', then a name of
 * letters, digits, '-', '_' and '.', starting and ending alphanumeric, at most 63 characters.
 */
export function validateQualifiedKey(path: string, key: string): FieldError[] {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const problems: string[] = [];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > LIMITS.labelPrefixLength || !DNS_SUBDOMAIN.test(prefix))) {
    problems.push(`prefix must be a DNS subdomain of at most ${LIMITS.labelPrefixLength} characters`);
  }
  if (name.length === 0 || name.length > LIMITS.labelNameLength || !LABEL_NAME.test(name)) {
    problems.push(`name must be 1-${LIMITS.labelNameLength} letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
  }
  return problems.length === 0 ? [] : [{ path, message: `invalid key ${quote(key)}: ${problems.join(', ')}` }];
}

/** Checks a label value: empty, or up to 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric. */
export function validateLabelValue(path: string, value: string): FieldError[] {
  if (value === '' || (value.length <= LIMITS.labelValueLength && LABEL_NAME.test(value))) return [];
  return [
    {
      path,
      message: `must be empty or up to ${LIMITS.labelValueLength} letters, digits, '-', '_' or '.', starting and ending with a letter or digit, got ${quote(value)}`,
    },
  ];
}

/** Checks a label map: at most 64 entries, every key qualified, every value a label value. */
export function validateLabels(path: string, labels: Readonly<Record<string, string>> | undefined): FieldError[] {
  const entries = Object.entries(labels ?? {});
  const errors: FieldError[] = [];
  if (entries.length > LIMITS.labels) errors.push({ path, message: `must have at most ${LIMITS.labels} labels, got ${entries.length}` });
  for (const [key, value] of entries) {
    errors.push(...validateQualifiedKey(keyed(path, key), key), ...validateLabelValue(keyed(path, key), value));
  }
  return errors;
}

/** Checks annotations: qualified keys, at most 256 entries, values at most 64 KiB each. */
export function validateAnnotations(path: string, annotations: Readonly<Record<string, string>> | undefined): FieldError[] {
  const entries = Object.entries(annotations ?? {});
  const errors: FieldError[] = [];
  if (entries.length > LIMITS.annotations) errors.push({ path, message: `must have at most ${LIMITS.annotations} annotations, got ${entries.length}` });
  for (const [key, value] of entries) {
    errors.push(...validateQualifiedKey(keyed(path, key), key));
    if (value.length > LIMITS.annotationValueLength) {
      errors.push({ path: keyed(path, key), message: `must be at most ${LIMITS.annotationValueLength} characters, got ${value.length}` });
    }
  }
  return errors;
}

/** Checks a list of names (cells, zones): each valid, none repeated, at most `max`. */
export function validateNameList(path: string, values: readonly string[] | undefined, max: number): FieldError[] {
  const list = values ?? [];
  const errors: FieldError[] = [];
  if (list.length > max) errors.push({ path, message: `must have at most ${max} entries, got ${list.length}` });
  const seen = new Set<string>();
  list.forEach((value, i) => {
    const at = indexed(path, i);
    errors.push(...validateName(at, value));
    if (seen.has(value)) errors.push({ path: at, message: `duplicate ${quote(value)}` });
    seen.add(value);
  });
  return errors;
}

/** Quotes a value for a message, cut short so a huge bad value does not flood the error. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}
