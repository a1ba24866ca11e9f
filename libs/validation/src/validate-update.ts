import { Tier, type KindName, type ResourceTypes } from '@helios/api';
import type { FieldError } from './field-error';

/** One field that may not change once stored. */
interface ImmutableField {
  path: string;
  read: (spec: Record<string, unknown>) => unknown;
  /** Set-once fields (a replica's node) may go from empty to a value, never change after. */
  once?: boolean;
  show?: (value: unknown) => string;
}

const showTier = (value: unknown): string => (typeof value === 'number' ? (Tier[value] ?? String(value)) : String(value));
const field = (name: string, extra: Omit<ImmutableField, 'path' | 'read'> = {}): ImmutableField => ({
  path: `spec.${name}`,
  read: (spec) => spec[name],
  ...extra,
});

/**
 * Fields that identify what a resource is rather than how it behaves: changing them in place
 * would leave running capacity, bindings or accounting describing something else (a pool's
 * nodes would have the old GPU type; a bound replica would run on a node it no longer names).
 */
const IMMUTABLE: { readonly [K in KindName]: readonly ImmutableField[] } = {
  cell: [field('provider'), field('region')],
  nodePool: [field('cell'), field('tier', { show: showTier }), field('gpuType'), field('gpusPerNode')],
  node: [field('cell'), field('pool', { once: true })],
  deployment: [],
  replica: [field('deployment'), field('cell', { once: true }), field('node', { once: true })],
};

/**
 * Checks an update of a stored resource: the errors of the fields that may not change. Run it
 * together with `validateResource(kind, next)`, which checks the new object on its own.
 */
export function validateUpdate<K extends KindName>(kind: K, old: ResourceTypes[K], next: ResourceTypes[K]): FieldError[] {
  const errors: FieldError[] = [];
  if ((old.metadata?.name ?? '') !== (next.metadata?.name ?? '')) {
    errors.push({ path: 'metadata.name', message: `is immutable (was ${JSON.stringify(old.metadata?.name)}, now ${JSON.stringify(next.metadata?.name)})` });
  }
  const oldSpec = (old.spec ?? {}) as unknown as Record<string, unknown>;
  const nextSpec = (next.spec ?? {}) as unknown as Record<string, unknown>;
  for (const f of IMMUTABLE[kind]) {
    const before = f.read(oldSpec);
    const after = f.read(nextSpec);
    if (before === after || (f.once && (before === '' || before === undefined))) continue;
    const show = f.show ?? ((value: unknown) => JSON.stringify(value ?? ''));
    errors.push({ path: f.path, message: `is immutable (was ${show(before)}, now ${show(after)})` });
  }
  return errors;
}
