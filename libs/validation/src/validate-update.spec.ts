import { Cell, Deployment, Node, NodePool, Replica, Tier, type AnyResource, type KindName } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { validateUpdate } from './validate-update';

const pool = (spec: object) =>
  NodePool.fromPartial({ metadata: { name: 'p' }, spec: { cell: 'c1', gpuType: 'h100', gpusPerNode: 8, tier: Tier.TIER_ON_DEMAND, min: 0, max: 3, ...spec } });
const node = (spec: object) => Node.fromPartial({ metadata: { name: 'n' }, spec: { cell: 'c1', pool: 'p', ...spec } });
const replica = (spec: object) => Replica.fromPartial({ metadata: { name: 'r' }, spec: { deployment: 'd', cell: '', node: '', ...spec } });
const cell = (spec: object) => Cell.fromPartial({ metadata: { name: 'c' }, spec: { provider: 'aws', region: 'us-east-1', ...spec } });

const cases: { name: string; kind: KindName; old: AnyResource; next: AnyResource; paths: string[]; message?: string }[] = [
  { name: 'pool: min/max may change', kind: 'nodePool', old: pool({}), next: pool({ min: 1, max: 9 }), paths: [] },
  { name: 'pool: cell is immutable', kind: 'nodePool', old: pool({}), next: pool({ cell: 'c2' }), paths: ['spec.cell'], message: 'is immutable (was "c1", now "c2")' },
  { name: 'pool: tier is immutable', kind: 'nodePool', old: pool({}), next: pool({ tier: Tier.TIER_PREEMPTIBLE }), paths: ['spec.tier'], message: 'was TIER_ON_DEMAND, now TIER_PREEMPTIBLE' },
  { name: 'pool: gpuType is immutable', kind: 'nodePool', old: pool({}), next: pool({ gpuType: 'a100' }), paths: ['spec.gpuType'] },
  { name: 'pool: gpusPerNode is immutable', kind: 'nodePool', old: pool({}), next: pool({ gpusPerNode: 4 }), paths: ['spec.gpusPerNode'], message: 'was 8, now 4' },
  { name: 'pool: several at once', kind: 'nodePool', old: pool({}), next: pool({ cell: 'x', gpuType: 'y' }), paths: ['spec.cell', 'spec.gpuType'] },
  { name: 'node: cell is immutable', kind: 'node', old: node({}), next: node({ cell: 'c2' }), paths: ['spec.cell'] },
  { name: 'node: pool is set once', kind: 'node', old: node({ pool: '' }), next: node({ pool: 'p' }), paths: [] },
  { name: 'node: pool cannot move', kind: 'node', old: node({}), next: node({ pool: 'q' }), paths: ['spec.pool'] },
  { name: 'node: cordon may change', kind: 'node', old: node({}), next: node({ unschedulable: true }), paths: [] },
  { name: 'cell: provider is immutable', kind: 'cell', old: cell({}), next: cell({ provider: 'gcp' }), paths: ['spec.provider'] },
  { name: 'cell: zones may change', kind: 'cell', old: cell({}), next: cell({ zones: ['a'] }), paths: [] },
  { name: 'replica: binding is set once', kind: 'replica', old: replica({}), next: replica({ cell: 'c1', node: 'n' }), paths: [] },
  { name: 'replica: bound node cannot change', kind: 'replica', old: replica({ node: 'n' }), next: replica({ node: 'm' }), paths: ['spec.node'] },
  { name: 'replica: deployment is immutable', kind: 'replica', old: replica({}), next: replica({ deployment: 'e' }), paths: ['spec.deployment'] },
  {
    name: 'deployment: anything in spec may change',
    kind: 'deployment',
    old: Deployment.fromPartial({ metadata: { name: 'd' }, spec: { replicas: 1 } }),
    next: Deployment.fromPartial({ metadata: { name: 'd' }, spec: { replicas: 5 } }),
    paths: [],
  },
  { name: 'name is immutable', kind: 'cell', old: cell({}), next: { ...cell({}), metadata: { ...cell({}).metadata!, name: 'd' } }, paths: ['metadata.name'] },
];

describe('validateUpdate', () => {
  it.each(cases)('$name', ({ kind, old, next, paths, message }) => {
    const errors = validateUpdate(kind, old as never, next as never);
    expect(errors.map((e) => e.path)).toEqual(paths);
    if (message) expect(errors[0]!.message).toContain(message);
  });
});
