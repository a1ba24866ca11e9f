/** One problem with one field of a resource. */
export interface FieldError {
  /** Where, from the resource root: `spec.min`, `metadata.labels["team"]`, `spec.template.command[0]`. */
  path: string;
  /** What is wrong, for a person: `must be <= spec.max (3 > 2)`. */
  message: string;
}

/** Joins a child field to a path: `child('spec', 'min')` is `spec.min`. */
export function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** Path of an array element: `spec.zones[2]`. */
export function indexed(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** Path of a map entry, the key quoted so any string reads unambiguously: `metadata.labels["a.b/c"]`. */
export function keyed(path: string, key: string): string {
  return `${path}[${JSON.stringify(key)}]`;
}

/**
 * Formats errors into the one line a person sees, naming the resource and every field:
 * `NodePool "gpu-a": spec.min: must be <= spec.max (3 > 2); spec.tier: is required`.
 */
export function describeErrors(display: string, name: string, errors: readonly FieldError[]): string {
  const subject = name === '' ? display : `${display} ${JSON.stringify(name)}`;
  return `${subject}: ${errors.map((e) => (e.path === '' ? e.message : `${e.path}: ${e.message}`)).join('; ')}`;
}
