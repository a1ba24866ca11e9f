import { Cell, Deployment, NodePool, Tier } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { planApply } from './apply-plan';

const facts = { uid: 'uid-new', now: '2025-01-01T00:00:00.000Z' };
const pool = (over: { max?: number; labels?: Record<string, string>; rv?: number; status?: object; generation?: number } = {}) =>
  NodePool.fromPartial({
    metadata: { name: 'p', labels: over.labels ?? { team: 'ml' }, resourceVersion: over.rv ?? 0, generation: over.generation ?? 0, uid: over.generation ? 'uid-old' : '', annotations: {} },
    spec: { cell: 'c1', gpuType: 'h100', gpusPerNode: 8, tier: Tier.TIER_ON_DEMAND, min: 0, max: over.max ?? 4 },
    status: over.status,
  });
const stored = (over: Parameters<typeof pool>[0] = {}) =>
  NodePool.fromPartial({ ...pool({ generation: 3, rv: 10, status: { desired: 2 }, ...over }), metadata: { ...pool({ generation: 3, rv: 10, ...over }).metadata!, createdAt: '2024-01-01T00:00:00.000Z' } });

describe('planApply', () => {
  it('creates with a fresh uid, generation 1 and createdAt now', () => {
    const plan = planApply('nodePool', pool(), undefined, facts);
    expect(plan.action).toBe('create');
    if (plan.action !== 'create') return;
    expect(plan.object.metadata).toMatchObject({ name: 'p', uid: 'uid-new', generation: 1, resourceVersion: 0, createdAt: facts.now, labels: { team: 'ml' } });
    expect(plan.object.spec?.max).toBe(4);
  });

  it.each([
    { name: 'same spec and labels', request: pool(), action: 'unchanged', generation: 3 },
    { name: 'same spec, request at the stored version', request: pool({ rv: 10 }), action: 'unchanged', generation: 3 },
    { name: 'labels changed', request: pool({ labels: { team: 'infra' } }), action: 'update', generation: 3 },
    { name: 'spec changed', request: pool({ max: 9 }), action: 'update', generation: 4 },
    { name: 'spec and labels changed', request: pool({ max: 9, labels: {} }), action: 'update', generation: 4 },
  ])('$name -> $action, generation $generation', ({ request, action, generation }) => {
    const plan = planApply('nodePool', request, stored(), facts);
    expect(plan.action).toBe(action);
    if (plan.action !== 'update' && plan.action !== 'unchanged') return;
    const meta = plan.object.metadata!;
    expect([meta.generation, meta.uid, meta.createdAt, meta.resourceVersion]).toEqual([generation, 'uid-old', '2024-01-01T00:00:00.000Z', 10]);
    expect(plan.object.status?.desired).toBe(2);
    expect(plan.object.metadata?.labels).toEqual(request.metadata?.labels);
  });

  it('keeps the stored status whatever the request says', () => {
    const plan = planApply('nodePool', pool({ max: 5, status: { desired: 99 } }), stored(), facts);
    expect(plan.action === 'update' && plan.object.status?.desired).toBe(2);
  });

  it.each([
    { name: 'stale version', request: pool({ rv: 7 }), current: stored(), want: { action: 'stale', requested: 7, stored: 10 } },
    { name: 'version of a deleted object', request: pool({ rv: 7 }), current: undefined, want: { action: 'gone', requested: 7 } },
  ])('$name', ({ request, current, want }) => {
    expect(planApply('nodePool', request, current, facts)).toEqual(want);
  });

  it('compares maps by content, not by order', () => {
    const a = Deployment.fromPartial({ metadata: { name: 'd', labels: { a: '1', b: '2' } }, spec: { template: { command: ['x'], env: { A: '1', B: '2' } } } });
    const b = Deployment.fromPartial({ metadata: { name: 'd', labels: { b: '2', a: '1' }, resourceVersion: 3, generation: 1 }, spec: { template: { command: ['x'], env: { B: '2', A: '1' } } } });
    expect(planApply('deployment', a, b, facts).action).toBe('unchanged');
  });

  it('treats a missing spec field and its default alike', () => {
    const request = Cell.fromPartial({ metadata: { name: 'c' }, spec: { provider: 'sim' } });
    const current = Cell.fromPartial({ metadata: { name: 'c', generation: 1, resourceVersion: 2 }, spec: { provider: 'sim', region: '', zones: [] } });
    expect(planApply('cell', request, current, facts).action).toBe('unchanged');
  });

  it('leaves spec.replicas of an autoscaled deployment to the autoscaler', () => {
    const autoscaling = { minReplicas: 1, maxReplicas: 10, targetLoad: 2 };
    const current = Deployment.fromPartial({ metadata: { name: 'd', generation: 2, resourceVersion: 5 }, spec: { replicas: 7, template: { command: ['x'] }, autoscaling } });
    const again = Deployment.fromPartial({ metadata: { name: 'd' }, spec: { replicas: 1, template: { command: ['x'] }, autoscaling } });
    expect(planApply('deployment', again, current, facts).action).toBe('unchanged');
    const widened = planApply('deployment', Deployment.fromPartial({ ...again, spec: { ...again.spec, autoscaling: { ...autoscaling, maxReplicas: 20 } } }), current, facts);
    expect(widened.action === 'update' && widened.object.spec?.replicas).toBe(7);
    // Turning autoscaling off hands the count back to the manifest.
    const manual = planApply('deployment', Deployment.fromPartial({ ...again, spec: { ...again.spec, autoscaling: undefined } }), current, facts);
    expect(manual.action === 'update' && manual.object.spec?.replicas).toBe(1);
  });
});
