import { KINDS, type AnyResource, type KindName } from '@helios/api';
import { child, type FieldError } from './field-error';
import { LIMITS } from './limits';

/** Bytes of the resource in its stored encoding (protobuf binary). */
export function encodedSize(kind: KindName, resource: AnyResource): number {
  return (KINDS[kind].codec.encode as (r: AnyResource) => { finish(): Uint8Array })(resource).finish().length;
}

/**
 * Checks the 256 KiB limit on a stored resource. An oversize error names the field that takes
 * the most room (descending a few levels, e.g. `spec.template.env`), since "too big" alone does
 * not tell a person what to cut; the path is '' when no single field stands out.
 */
export function validateSize(kind: KindName, resource: AnyResource): FieldError[] {
  const size = encodedSize(kind, resource);
  if (size <= LIMITS.resourceBytes) return [];
  const largest = largestField(resource, '', 3);
  const where = largest ? `; the largest field is ${largest.path} (about ${Math.ceil(largest.size / 1024)} KiB)` : '';
  return [{ path: largest?.path ?? '', message: `resource is ${size} bytes encoded, over the limit of ${LIMITS.resourceBytes} (256 KiB)${where}` }];
}

/** Map fields of the resources: named as a whole, since a map key is not a message field. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'env']);

/**
 * Finds the biggest field by its JSON length, a cheap stand-in for its encoded size that ranks
 * fields the same way for the strings and maps that make resources large.
 */
function largestField(value: unknown, path: string, depth: number): { path: string; size: number } | undefined {
  const isMap = MAP_FIELDS.has(path.slice(path.lastIndexOf('.') + 1));
  if (depth === 0 || isMap || value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  let best: { path: string; size: number; value: unknown } | undefined;
  for (const [name, fieldValue] of Object.entries(value)) {
    if (fieldValue === undefined) continue;
    const size = JSON.stringify(fieldValue)?.length ?? 0;
    if (!best || size > best.size) best = { path: child(path, name), size, value: fieldValue };
  }
  if (!best) return undefined;
  return largestField(best.value, best.path, depth - 1) ?? { path: best.path, size: best.size };
}
