import { describe, expect, it } from 'vitest';
import type { Resource } from '../gen/helios/v1/operator';
import { Cell, CellPhase, Deployment, LoadSignal, Node, NodePhase, NodePool, Replica, ReplicaPhase, SpreadPolicy, Tier } from '../gen/helios/v1/resources';
import { unwrap, wrap, type KindName } from '../kinds';
import { decodeManifest } from './decode-manifest';
import { toDisplayObject } from './display-object';
import { kindSchema, type MessageSchema } from './message-schema';

const META = { name: 'x', uid: 'u-1', generation: 2, resourceVersion: 41, labels: { team: 'ml' }, annotations: { note: 'n' }, createdAt: '2024-05-01T12:00:00.000Z', deletionTime: '2024-05-02T12:00:00.000Z' };
const CONDITION = { type: 'Ready', status: 'True', reason: 'Heartbeat', message: 'ok', lastTransitionTime: '2024-05-01T12:01:00.000Z' };
const GPUS = { tier: Tier.TIER_RESERVED, gpuType: 'h100', provisioned: 16, allocated: 8, free: 7, unhealthy: 1 };
const TEMPLATE = {
  command: ['python', '-m', 'serve'],
  image: 'img:1',
  port: 8000,
  gpus: 2,
  gpuType: 'h100',
  readinessProbe: { path: '/healthz', periodSeconds: 1, timeoutSeconds: 2, failureThreshold: 3, initialDelaySeconds: 4 },
  env: { A: '1', B: '' },
  annotations: { restartedAt: '2024-05-01T12:00:00Z' },
};

/** One fully populated resource of every kind: every field set to a non-zero value. */
const FULL: [string, Resource][] = [
  ['cell', wrap('cell', Cell.fromPartial({ metadata: META, spec: { provider: 'aws', region: 'us-east-1', zones: ['a', 'b'] }, status: { phase: CellPhase.CELL_PHASE_DEGRADED, agentLive: true, agentId: 'agent-1', gpus: [GPUS], conditions: [CONDITION], nodes: 4, readyNodes: 3 } }))],
  ['nodePool', wrap('nodePool', NodePool.fromPartial({
    metadata: META,
    spec: { cell: 'c', gpuType: 'h100', instanceType: 'p5.48xlarge', gpusPerNode: 8, tier: Tier.TIER_ON_DEMAND, min: 1, max: 9, reservationId: 'cr', zone: 'a', hourlyPrice: 98.32 },
    status: {
      desired: 3, provisioning: 1, ready: 2, notReady: 1, draining: 1, gpus: [GPUS], conditions: [CONDITION], observedGeneration: 2,
      launches: [{ token: 't-1', count: 2, nodeNames: ['n-1', 'n-2'], createdTime: '2024-05-01T12:04:00.000Z' }],
      capacityRetryTime: '2024-05-01T12:05:00.000Z',
      lastScaleUpTime: '2024-05-01T12:06:00.000Z',
    },
  }))],
  ['node', wrap('node', Node.fromPartial({
    metadata: META,
    spec: { cell: 'c', pool: 'p', tier: Tier.TIER_PREEMPTIBLE, providerId: 'i-1', gpuType: 'h100', gpus: 8, zone: 'a', unschedulable: true },
    status: { phase: NodePhase.NODE_PHASE_NOT_READY, gpus: [{ index: 1, uuid: 'GPU-1', model: 'H100', memoryMib: 81920, healthy: true }, { index: 0, healthy: false }], allocatableGpus: 7, conditions: [CONDITION], address: '10.0.0.1', reason: 'LeaseExpired', lastTransitionTime: '2024-05-01T12:02:00.000Z', leaseId: '7587862', preemptionTime: '2024-05-01T12:07:00.000Z' },
  }))],
  ['deployment', wrap('deployment', Deployment.fromPartial({
    metadata: META,
    spec: {
      replicas: 3,
      template: TEMPLATE,
      strategy: { maxSurge: '1', maxUnavailable: '25%', minReadySeconds: 5, progressDeadlineSeconds: 600, drainSeconds: 10, terminationGraceSeconds: 30 },
      placement: { cells: ['c1', 'c2'], spread: SpreadPolicy.SPREAD_POLICY_PACK, tierPolicy: { allowed: [Tier.TIER_RESERVED, Tier.TIER_PREEMPTIBLE], maxPreemptiblePercent: 30 } },
      autoscaling: {
        minReplicas: 1,
        maxReplicas: 10,
        targetLoad: 4.5,
        tolerance: 0.1,
        scaleDownStabilizationSeconds: 300,
        metrics: [{ signal: LoadSignal.LOAD_SIGNAL_GAUGE, gauge: 'kv-cache', target: 0.8 }],
        stableWindowSeconds: 60,
        panicWindowSeconds: 6,
        panicThresholdPercent: 200,
        scaleDownMaxStepPercent: 50,
        scaleDownStepSeconds: 15,
        scaleToZeroIdleSeconds: 300,
      },
      paused: true,
      revisionHistoryLimit: 5,
    },
    status: { observedGeneration: 2, revision: 3, replicas: 3, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 1, conditions: [CONDITION], history: [{ revision: 2, templateHash: 'abc', template: TEMPLATE, createdAt: '2024-05-01T11:00:00.000Z' }], stableRevision: 2, progressTime: '2024-05-01T12:08:00.000Z', autoscaling: { desiredReplicas: 3, panic: true, decisions: [{ decisionTime: '2024-05-01T12:07:00.000Z', fromReplicas: 2, toReplicas: 3, reason: 'ScaleUp', message: 'in-flight 11 -> 3' }], request: { replicas: 2, reason: 'forecast', requestTime: '2024-05-01T12:06:00.000Z' } } },
  }))],
  ['replica', wrap('replica', Replica.fromPartial({
    metadata: META,
    spec: { deployment: 'd', revision: 3, template: TEMPLATE, cell: 'c', tier: Tier.TIER_RESERVED, node: 'n', gpuIndices: [0, 1] },
    status: { phase: ReplicaPhase.REPLICA_PHASE_TERMINATING, endpoint: '10.0.0.1:8000', restarts: 2, reason: 'Scaled', message: 'down', readyTime: '2024-05-01T12:03:00.000Z', conditions: [CONDITION] },
  }))],
];

describe('toDisplayObject', () => {
  it('prints a node in the manifest shape with PascalCase enums', () => {
    const node = FULL.find(([k]) => k === 'node')![1];
    expect(toDisplayObject(node)).toEqual({
      apiVersion: 'helios/v1',
      kind: 'Node',
      metadata: { name: 'x', uid: 'u-1', generation: 2, resourceVersion: 41, labels: { team: 'ml' }, createdAt: '2024-05-01T12:00:00.000Z', annotations: { note: 'n' }, deletionTime: '2024-05-02T12:00:00.000Z' },
      spec: { cell: 'c', pool: 'p', tier: 'Preemptible', providerId: 'i-1', gpuType: 'h100', gpus: 8, zone: 'a', unschedulable: true },
      status: {
        phase: 'NotReady',
        // A zero field of a message inside a list is omitted like any other (index 0, healthy false).
        gpus: [{ index: 1, uuid: 'GPU-1', model: 'H100', memoryMib: 81920, healthy: true }, {}],
        allocatableGpus: 7,
        conditions: [{ type: 'Ready', status: 'True', reason: 'Heartbeat', message: 'ok', lastTransitionTime: '2024-05-01T12:01:00.000Z' }],
        address: '10.0.0.1',
        reason: 'LeaseExpired',
        lastTransitionTime: '2024-05-01T12:02:00.000Z',
        leaseId: '7587862',
        preemptionTime: '2024-05-01T12:07:00.000Z',
      },
    });
  });

  it.each<[string, Resource, unknown]>([
    ['zero values are omitted, an unset status too', wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'p' }, spec: { cell: '', min: 0, tier: Tier.TIER_UNSPECIFIED } })),
      { apiVersion: 'helios/v1', kind: 'NodePool', metadata: { name: 'p' }, spec: {} }],
    ['a set but empty status is kept', wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'p' }, status: {} })),
      { apiVersion: 'helios/v1', kind: 'NodePool', metadata: { name: 'p' }, status: {} }],
    ['empty lists and maps are omitted', wrap('cell', Cell.fromPartial({ metadata: { name: 'c', labels: {} }, spec: { zones: [] } })),
      { apiVersion: 'helios/v1', kind: 'Cell', metadata: { name: 'c' }, spec: {} }],
    ['zero values inside lists and maps are kept', wrap('replica', Replica.fromPartial({ metadata: { name: 'r' }, spec: { gpuIndices: [0, 3], template: { env: { EMPTY: '' } } } })),
      { apiVersion: 'helios/v1', kind: 'Replica', metadata: { name: 'r' }, spec: { template: { env: { EMPTY: '' } }, gpuIndices: [0, 3] } }],
    ['enum values in a list print as words', wrap('deployment', Deployment.fromPartial({ metadata: { name: 'd' }, spec: { placement: { tierPolicy: { allowed: [Tier.TIER_ON_DEMAND, Tier.TIER_UNSPECIFIED] } } } })),
      { apiVersion: 'helios/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { placement: { tierPolicy: { allowed: ['OnDemand', 'Unspecified'] } } } }],
    ['an enum number this build does not know prints as the number', wrap('node', Node.fromPartial({ metadata: { name: 'n' }, status: { phase: 42 as NodePhase } })),
      { apiVersion: 'helios/v1', kind: 'Node', metadata: { name: 'n' }, status: { phase: 42 } }],
  ])('%s', (_name, resource, expected) => {
    expect(toDisplayObject(resource)).toEqual(expected);
  });

  it('refuses a Resource with no kind', () => {
    expect(() => toDisplayObject({ kind: undefined })).toThrow('cannot display a Resource with no kind set');
  });
});

/** Paths of fields left unset or zero in `value`, walking the schema (the first element of lists). */
function unsetFields(schema: MessageSchema, value: Record<string, unknown>, path: string): string[] {
  return schema.fields.flatMap((f) => {
    const v = value[f.jsonName];
    const p = `${path}.${f.jsonName}`;
    if (v === undefined || v === '' || v === 0 || v === false) return [p];
    if (f.cardinality === 'map') return Object.keys(v as object).length ? [] : [p];
    const first = f.cardinality === 'repeated' ? (v as unknown[])[0] : v;
    if (first === undefined) return [p];
    return f.value.type === 'message' ? unsetFields(f.value.message, first as Record<string, unknown>, p) : [];
  });
}

describe('the round-trip fixtures', () => {
  // A field added to proto/ must be added here too, so the round trip keeps covering every field.
  it.each(FULL)('set every field of %s', (kind, resource) => {
    const u = unwrap(resource)!;
    expect(unsetFields(kindSchema(kind as KindName), u.resource as unknown as Record<string, unknown>, kind)).toEqual([]);
  });
});

describe('decodeManifest(toDisplayObject(x)) round-trips', () => {
  it.each(FULL)('a fully populated %s, also through JSON text', (_kind, resource) => {
    const display = toDisplayObject(resource);
    expect(decodeManifest(display)).toEqual(resource);
    expect(decodeManifest(JSON.parse(JSON.stringify(display)))).toEqual(resource);
  });

  it.each(FULL)('a %s with only a name', (kind) => {
    const resource = decodeManifest({ kind: toDisplayObject(FULL.find(([k]) => k === kind)![1]).kind, metadata: { name: 'only' } });
    expect(decodeManifest(toDisplayObject(resource))).toEqual(resource);
  });

  it.each([Tier.TIER_UNSPECIFIED, Tier.TIER_RESERVED, Tier.TIER_ON_DEMAND, Tier.TIER_PREEMPTIBLE])('every tier (%i), single and in a list', (tier) => {
    const resource = wrap('deployment', Deployment.fromPartial({ metadata: { name: 'd' }, spec: { placement: { tierPolicy: { allowed: [tier] } } } }));
    const pool = wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'p' }, spec: { tier } }));
    expect(decodeManifest(toDisplayObject(resource))).toEqual(resource);
    expect(decodeManifest(toDisplayObject(pool))).toEqual(pool);
  });

  it.each(Object.values(NodePhase).filter((v): v is NodePhase => typeof v === 'number' && v >= 0))('every node phase (%i)', (phase) => {
    const node = wrap('node', Node.fromPartial({ metadata: { name: 'n' }, status: { phase } }));
    expect(decodeManifest(toDisplayObject(node))).toEqual(node);
  });

  it.each(Object.values(ReplicaPhase).filter((v): v is ReplicaPhase => typeof v === 'number' && v >= 0))('every replica phase (%i)', (phase) => {
    const replica = wrap('replica', Replica.fromPartial({ metadata: { name: 'r' }, status: { phase } }));
    expect(decodeManifest(toDisplayObject(replica))).toEqual(replica);
  });

  it.each(Object.values(CellPhase).filter((v): v is CellPhase => typeof v === 'number' && v >= 0))('every cell phase (%i)', (phase) => {
    const cell = wrap('cell', Cell.fromPartial({ metadata: { name: 'c' }, status: { phase } }));
    expect(decodeManifest(toDisplayObject(cell))).toEqual(cell);
  });
});
