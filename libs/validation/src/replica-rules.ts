import { ReplicaSpec, Tier } from '@helios/api';
import { indexed, type FieldError } from './field-error';
import { validateEnum } from './enums';
import { LIMITS } from './limits';
import { validateName } from './names';
import { validateInt } from './numbers';
import { validateTemplate } from './template-rules';

/**
 * Checks a Replica spec: its deployment, a template when given, and the placement fields the
 * cell placement and node scheduler fill in (cell, node, tier, distinct GPU indices 0-15).
 */
export function validateReplicaSpec(spec: ReplicaSpec | undefined): FieldError[] {
  const s = spec ?? ReplicaSpec.fromPartial({});
  const errors: FieldError[] = [
    ...validateName('spec.deployment', s.deployment),
    ...validateInt('spec.revision', s.revision, 0, 2 ** 31 - 1),
    ...(s.template ? validateTemplate('spec.template', s.template) : []),
    ...validateName('spec.cell', s.cell, false),
    ...validateName('spec.node', s.node, false),
    ...validateEnum('spec.tier', s.tier, Tier, false),
  ];
  if (s.gpuIndices.length > LIMITS.gpusPerNode) {
    errors.push({ path: 'spec.gpuIndices', message: `must have at most ${LIMITS.gpusPerNode} entries, got ${s.gpuIndices.length}` });
  }
  const seen = new Set<number>();
  s.gpuIndices.forEach((gpu, i) => {
    errors.push(...validateInt(indexed('spec.gpuIndices', i), gpu, 0, LIMITS.gpusPerNode - 1));
    if (seen.has(gpu)) errors.push({ path: indexed('spec.gpuIndices', i), message: `duplicate GPU index ${gpu}` });
    seen.add(gpu);
  });
  return errors;
}
