import type { AnyResource, KindName, ResourceTypes } from '@helios/api';
import { validateCellSpec } from './cell-rules';
import { validateDeploymentSpec } from './deployment-rules';
import type { FieldError } from './field-error';
import { validateMetadata } from './metadata-rules';
import { validateNodePoolSpec } from './node-pool-rules';
import { validateNodeSpec } from './node-rules';
import { validateReplicaSpec } from './replica-rules';
import { validateSize } from './resource-size';

/** The spec rules of each kind. */
const SPEC_RULES: { [K in KindName]: (spec: ResourceTypes[K]['spec']) => FieldError[] } = {
  cell: validateCellSpec,
  nodePool: validateNodePoolSpec,
  node: validateNodeSpec,
  deployment: validateDeploymentSpec,
  replica: validateReplicaSpec,
};

/**
 * Checks a resource as people write it: metadata, spec and the encoded size. Returns every
 * problem found (empty when valid), so one round trip shows a person all they must fix. Status is
 * its owner's to write and is only counted towards the size, which is checked once the fields pass.
 */
export function validateResource<K extends KindName>(kind: K, resource: ResourceTypes[K] | undefined): FieldError[] {
  if (!resource) return [{ path: '', message: 'a resource is required' }];
  const specRules = SPEC_RULES[kind] as (spec: AnyResource['spec']) => FieldError[];
  const errors = [...validateMetadata(resource.metadata), ...specRules(resource.spec)];
  // Only a well-formed resource has a meaningful encoding (protobuf throws on a fractional int32).
  return errors.length > 0 ? errors : validateSizeSafely(kind, resource);
}

/** Size check that reports, rather than throws, a value protobuf cannot encode (e.g. a string in a number field). */
function validateSizeSafely(kind: KindName, resource: AnyResource): FieldError[] {
  try {
    return validateSize(kind, resource);
  } catch (error) {
    return [{ path: '', message: `cannot be encoded: ${error instanceof Error ? error.message : String(error)}` }];
  }
}
