import type { ObjectMeta } from '@helios/api';
import type { FieldError } from './field-error';
import { LIMITS } from './limits';
import { validateAnnotations, validateLabels, validateName } from './names';
import { validateInt } from './numbers';
import { validateString } from './strings';

/** Checks metadata: a DNS-label name, Kubernetes-style labels and annotations, sane counters. */
export function validateMetadata(meta: ObjectMeta | undefined): FieldError[] {
  if (!meta) return [{ path: 'metadata.name', message: 'is required' }];
  return [
    ...validateName('metadata.name', meta.name),
    ...validateString('metadata.uid', meta.uid, LIMITS.shortString),
    ...validateInt('metadata.generation', meta.generation, 0, Number.MAX_SAFE_INTEGER),
    ...validateInt('metadata.resourceVersion', meta.resourceVersion, 0, Number.MAX_SAFE_INTEGER),
    ...validateLabels('metadata.labels', meta.labels),
    ...validateAnnotations('metadata.annotations', meta.annotations),
  ];
}
