import { canonicalJson, KINDS, metaOf, type AnyResource, type KindName, type ResourceTypes } from '@helios/api';

/** What an Apply does, decided from the request and the stored object alone. */
export type ApplyPlan<T> =
  | { action: 'create'; object: T }
  | { action: 'update'; object: T; specChanged: boolean }
  | { action: 'unchanged'; object: T }
  /** The request carries a resourceVersion and the stored object has moved on. */
  | { action: 'stale'; requested: number; stored: number }
  /** The request carries a resourceVersion but nothing is stored: it was deleted. */
  | { action: 'gone'; requested: number };

/** What a new object gets from the server rather than from the request. */
export interface CreateFacts {
  uid: string;
  /** RFC 3339 time of creation. */
  now: string;
}

/**
 * Decides an Apply, as `kubectl apply` does with spec and labels:
 * - absent -> create with a fresh uid, generation 1 and createdAt now;
 * - present -> the request's spec and labels over the stored object; status, uid, createdAt and
 *   annotations stay as stored (status belongs to its owner, not to the person applying);
 *   generation + 1 only when the spec changed, so controllers see "new desired state" and not
 *   label edits; nothing to write when neither changed.
 * A request resourceVersion other than 0 must match the stored one (optimistic concurrency).
 * While a deployment has spec.autoscaling (stored and requested), its spec.replicas is the
 * autoscaler's, as the Kubernetes HPA owns a scale subresource: an Apply keeps the stored count,
 * so re-applying a manifest does not undo the autoscaler's work.
 */
export function planApply<K extends KindName>(kind: K, requested: ResourceTypes[K], stored: ResourceTypes[K] | undefined, facts: CreateFacts): ApplyPlan<ResourceTypes[K]> {
  const codec = KINDS[kind].codec as unknown as { fromPartial(o: unknown): ResourceTypes[K] };
  const want = metaOf(requested);
  if (!stored) {
    if (want.resourceVersion !== 0) return { action: 'gone', requested: want.resourceVersion };
    const object = codec.fromPartial({
      metadata: { name: want.name, uid: facts.uid, generation: 1, resourceVersion: 0, labels: want.labels, annotations: want.annotations, createdAt: facts.now },
      spec: requested.spec,
    });
    return { action: 'create', object };
  }
  const have = metaOf(stored);
  if (want.resourceVersion !== 0 && want.resourceVersion !== have.resourceVersion) {
    return { action: 'stale', requested: want.resourceVersion, stored: have.resourceVersion };
  }
  const spec = withOwnedFields(kind, requested.spec, stored.spec);
  const specChanged = !sameSpec(kind, stored.spec, spec);
  const labelsChanged = canonicalJson(have.labels ?? {}) !== canonicalJson(want.labels ?? {});
  if (!specChanged && !labelsChanged) return { action: 'unchanged', object: stored };
  const object = codec.fromPartial({
    ...stored,
    metadata: { ...have, labels: want.labels, generation: have.generation + (specChanged ? 1 : 0) },
    spec,
  });
  return { action: 'update', object, specChanged };
}

/** Compares two specs by content: both are normalized (defaults filled) and map order is ignored. */
function sameSpec(kind: KindName, a: AnyResource['spec'], b: AnyResource['spec']): boolean {
  const codec = KINDS[kind].codec as unknown as { fromPartial(o: unknown): AnyResource };
  return canonicalJson(codec.fromPartial({ spec: a }).spec) === canonicalJson(codec.fromPartial({ spec: b }).spec);
}

/** The requested spec with the fields a controller owns kept as stored (see planApply). */
function withOwnedFields(kind: KindName, requested: AnyResource['spec'], stored: AnyResource['spec']): AnyResource['spec'] {
  if (kind !== 'deployment') return requested;
  const want = requested as ResourceTypes['deployment']['spec'];
  const have = stored as ResourceTypes['deployment']['spec'];
  if (!want?.autoscaling || !have?.autoscaling) return requested;
  return { ...want, replicas: have.replicas };
}
