import { describe, expect, it } from 'vitest';
import type { Resource } from '../gen/helios/v1/operator';
import { Cell, Deployment, Node, NodePhase, NodePool, Replica, ReplicaPhase, SpreadPolicy, Tier } from '../gen/helios/v1/resources';
import { wrap } from '../kinds';
import { decodeManifest } from './decode-manifest';
import { ManifestError } from './manifest-error';

const pool = (spec: unknown, extra: Record<string, unknown> = {}) => ({ kind: 'NodePool', metadata: { name: 'gpu-a' }, spec, ...extra });
const poolResource = (spec: Parameters<typeof NodePool.fromPartial>[0]['spec'], rest: Omit<Parameters<typeof NodePool.fromPartial>[0], 'spec'> = {}): Resource =>
  wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'gpu-a' }, spec, ...rest }));
const deployment = (spec: Record<string, unknown>) => ({ apiVersion: 'helios/v1', kind: 'Deployment', metadata: { name: 'llama' }, spec });
const deploymentResource = (spec: Parameters<typeof Deployment.fromPartial>[0]['spec']): Resource => wrap('deployment', Deployment.fromPartial({ metadata: { name: 'llama' }, spec }));

describe('decodeManifest accepts', () => {
  it.each<[string, unknown, Resource]>([
    ['a minimal pool without apiVersion', pool({ cell: 'us-east', min: 1, max: 4 }), poolResource({ cell: 'us-east', min: 1, max: 4 })],
    ['apiVersion helios/v1', { apiVersion: 'helios/v1', ...pool({ min: 1 }) }, poolResource({ min: 1 })],
    ['apiVersion null as unset', { apiVersion: null, ...pool({ min: 1 }) }, poolResource({ min: 1 })],
    ['proto snake_case names', pool({ gpu_type: 'h100', gpus_per_node: 8, reservation_id: 'cr-1' }), poolResource({ gpuType: 'h100', gpusPerNode: 8, reservationId: 'cr-1' })],
    ['the full enum name', pool({ tier: 'TIER_PREEMPTIBLE' }), poolResource({ tier: Tier.TIER_PREEMPTIBLE })],
    ['the PascalCase enum suffix', pool({ tier: 'OnDemand' }), poolResource({ tier: Tier.TIER_ON_DEMAND })],
    ['the kebab-case enum suffix', pool({ tier: 'on-demand' }), poolResource({ tier: Tier.TIER_ON_DEMAND })],
    ['a one-word lower-case enum suffix', pool({ tier: 'preemptible' }), poolResource({ tier: Tier.TIER_PREEMPTIBLE })],
    ['Reserved', pool({ tier: 'Reserved' }), poolResource({ tier: Tier.TIER_RESERVED })],
    ['a double', pool({ hourlyPrice: 2.5 }), poolResource({ hourlyPrice: 2.5 })],
    ['an integer-valued double', pool({ hourlyPrice: 3 }), poolResource({ hourlyPrice: 3 })],
    ['int32 bounds', pool({ min: -2147483648, max: 2147483647 }), poolResource({ min: -2147483648, max: 2147483647 })],
    ['null fields as unset', pool({ cell: null, min: 2 }), poolResource({ min: 2 })],
    ['an empty spec', pool({}), poolResource({})],
    ['labels and annotations', { kind: 'NodePool', metadata: { name: 'gpu-a', labels: { team: 'ml', 'app.kubernetes.io/name': 'x' }, annotations: { note: 'hi' } } },
      wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'gpu-a', labels: { team: 'ml', 'app.kubernetes.io/name': 'x' }, annotations: { note: 'hi' } } }))],
    ['a number as a map string value', { kind: 'NodePool', metadata: { name: 'gpu-a', labels: { version: 2 } } },
      wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'gpu-a', labels: { version: '2' } } }))],
    ['int64 as a number or a decimal string', { kind: 'NodePool', metadata: { name: 'gpu-a', generation: 3, resource_version: '9007199254740991' } },
      wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'gpu-a', generation: 3, resourceVersion: 9007199254740991 } }))],
    ['a UTC timestamp', { kind: 'NodePool', metadata: { name: 'gpu-a', createdAt: '2024-05-01T12:00:00Z' } },
      wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'gpu-a', createdAt: '2024-05-01T12:00:00.000Z' } }))],
    ['a timestamp with an offset and nanoseconds, normalized to UTC milliseconds', { kind: 'NodePool', metadata: { name: 'gpu-a', createdAt: '2024-05-01T14:00:00.123456789+02:00' } },
      wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'gpu-a', createdAt: '2024-05-01T12:00:00.123Z' } }))],
    ['a Date (YAML 1.1 timestamps)', { kind: 'NodePool', metadata: { name: 'gpu-a', createdAt: new Date('2024-05-01T12:00:00Z') } },
      wrap('nodePool', NodePool.fromPartial({ metadata: { name: 'gpu-a', createdAt: '2024-05-01T12:00:00.000Z' } }))],
    ['status with enums and repeated messages', { kind: 'Node', metadata: { name: 'n1' }, spec: { cell: 'c', tier: 'Reserved', gpus: 8 }, status: { phase: 'NotReady', gpus: [{ index: 0, healthy: true }, { index: 1 }], conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2024-01-02T03:04:05Z' }] } },
      wrap('node', Node.fromPartial({ metadata: { name: 'n1' }, spec: { cell: 'c', tier: Tier.TIER_RESERVED, gpus: 8 }, status: { phase: NodePhase.NODE_PHASE_NOT_READY, gpus: [{ index: 0, healthy: true }, { index: 1 }], conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2024-01-02T03:04:05.000Z' }] } }))],
    ['IntOrString: a number where a string is expected', deployment({ strategy: { maxSurge: 1, maxUnavailable: '25%' } }), deploymentResource({ strategy: { maxSurge: '1', maxUnavailable: '25%' } })],
    ['nested messages, lists, maps and enum lists', deployment({
      replicas: 3,
      template: { command: ['python', '-m', 'serve'], port: 8000, gpus: 1, gpuType: 'h100', readinessProbe: { path: '/healthz', periodSeconds: 2 }, env: { MODEL: 'llama', PORT: 8000 } },
      placement: { cells: ['us-east', 'eu-west'], spread: 'Spread', tierPolicy: { allowed: ['reserved', 'TIER_PREEMPTIBLE'], maxPreemptiblePercent: 50 } },
      autoscaling: { minReplicas: 1, maxReplicas: 10, targetLoad: 4.5 },
      paused: true,
    }), deploymentResource({
      replicas: 3,
      template: { command: ['python', '-m', 'serve'], port: 8000, gpus: 1, gpuType: 'h100', readinessProbe: { path: '/healthz', periodSeconds: 2 }, env: { MODEL: 'llama', PORT: '8000' } },
      placement: { cells: ['us-east', 'eu-west'], spread: SpreadPolicy.SPREAD_POLICY_SPREAD, tierPolicy: { allowed: [Tier.TIER_RESERVED, Tier.TIER_PREEMPTIBLE], maxPreemptiblePercent: 50 } },
      autoscaling: { minReplicas: 1, maxReplicas: 10, targetLoad: 4.5 },
      paused: true,
    })],
    ['an empty list', deployment({ placement: { cells: [] } }), deploymentResource({ placement: { cells: [] } })],
    ['a Cell', { kind: 'Cell', metadata: { name: 'us-east' }, spec: { provider: 'sim', region: 'us-east-1', zones: ['a', 'b'] } },
      wrap('cell', Cell.fromPartial({ metadata: { name: 'us-east' }, spec: { provider: 'sim', region: 'us-east-1', zones: ['a', 'b'] } }))],
    ['a Replica', { kind: 'Replica', metadata: { name: 'llama-x' }, spec: { deployment: 'llama', gpuIndices: [0, 1] }, status: { phase: 'Ready', restarts: 2 } },
      wrap('replica', Replica.fromPartial({ metadata: { name: 'llama-x' }, spec: { deployment: 'llama', gpuIndices: [0, 1] }, status: { phase: ReplicaPhase.REPLICA_PHASE_READY, restarts: 2 } }))],
  ])('%s', (_name, doc, expected) => {
    expect(decodeManifest(doc)).toEqual(expected);
  });
});

describe('decodeManifest rejects', () => {
  it.each<[string, unknown, string]>([
    ['a list', [], 'expected a mapping with apiVersion, kind, metadata and spec, got a list'],
    ['a string', 'kind: NodePool', 'expected a mapping with apiVersion, kind, metadata and spec, got string "kind: NodePool"'],
    ['nothing', null, 'expected a mapping with apiVersion, kind, metadata and spec, got nothing'],
    ['another apiVersion', { apiVersion: 'v1', ...pool({}) }, 'apiVersion: unsupported string "v1" (expected "helios/v1")'],
    ['a missing kind', { metadata: { name: 'x' } }, 'kind: required (one of Cell, NodePool, Node, Deployment, Replica)'],
    ['a kind that is not a string', { kind: 3 }, 'kind: expected a string, got number 3'],
    ['a kind in the wrong case', { kind: 'nodepool' }, 'kind: unknown kind "nodepool" (did you mean "NodePool"?)'],
    ['a kind alias', { kind: 'deploy' }, 'kind: unknown kind "deploy" (did you mean "Deployment"?)'],
    ['a kind with a typo', { kind: 'NodePol' }, 'kind: unknown kind "NodePol" (did you mean "NodePool"?)'],
    ['an unknown kind', { kind: 'Pod' }, 'kind: unknown kind "Pod" (one of Cell, NodePool, Node, Deployment, Replica)'],
    ['a missing name', { kind: 'NodePool', spec: {} }, 'metadata.name: required'],
    ['an empty name', { kind: 'NodePool', metadata: { name: '' } }, 'metadata.name: required'],
    ['an unknown top-level field', pool({}, { specs: {} }), 'specs: unknown field (did you mean "spec"?)'],
    ['an unknown spec field, with a suggestion', pool({ minNode: 1 }), 'spec.minNode: unknown field (did you mean "min"?)'],
    ['an unknown spec field, without one', pool({ banana: 1 }), 'spec.banana: unknown field'],
    ['an unknown nested field', deployment({ template: { readinessProbe: { periodSecs: 1 } } }), 'spec.template.readinessProbe.periodSecs: unknown field (did you mean "periodSeconds"?)'],
    ['a field given twice', pool({ gpuType: 'a', gpu_type: 'b' }), 'spec.gpu_type: given twice (also as "gpuType")'],
    ['a string for an int', pool({ min: 'three' }), 'spec.min: expected an integer, got string "three"'],
    ['a numeric string for an int32', pool({ min: '3' }), 'spec.min: expected an integer, got string "3"'],
    ['a fraction for an int', pool({ min: 1.5 }), 'spec.min: expected an integer, got number 1.5'],
    ['an int32 too large', pool({ max: 2147483648 }), 'spec.max: 2147483648 is out of range for int32 (-2147483648..2147483647)'],
    ['an int32 too small', pool({ min: -2147483649 }), 'spec.min: -2147483649 is out of range for int32 (-2147483648..2147483647)'],
    ['an int64 beyond safe integers', { kind: 'NodePool', metadata: { name: 'x', generation: '9007199254740993' } }, 'metadata.generation: 9007199254740993 is out of range for int64 (-9007199254740991..9007199254740991)'],
    ['an int64 that is not a number', { kind: 'NodePool', metadata: { name: 'x', generation: '1e3' } }, 'metadata.generation: expected an integer, got string "1e3"'],
    ['a bool for a string', pool({ cell: true }), 'spec.cell: expected a string, got boolean true'],
    ['a mapping for a string', pool({ cell: { name: 'x' } }), 'spec.cell: expected a string, got a mapping'],
    ['a string for a bool', deployment({ paused: 'yes' }), 'spec.paused: expected true or false, got string "yes"'],
    ['a string for a double', pool({ hourlyPrice: '2.5' }), 'spec.hourlyPrice: expected a number, got string "2.5"'],
    ['an unknown enum value', pool({ tier: 'spot' }), 'spec.tier: invalid value "spot" (allowed: Reserved, OnDemand, Preemptible)'],
    ['an enum value in the wrong case', pool({ tier: 'ONDEMAND' }), 'spec.tier: invalid value "ONDEMAND" (allowed: Reserved, OnDemand, Preemptible)'],
    ['an enum number', pool({ tier: 2 }), 'spec.tier: expected one of Reserved, OnDemand, Preemptible, got number 2'],
    ['an unknown enum value in a list', deployment({ placement: { tierPolicy: { allowed: ['reserved', 'cheap'] } } }), 'spec.placement.tierPolicy.allowed[1]: invalid value "cheap" (allowed: Reserved, OnDemand, Preemptible)'],
    ['a scalar for a message', pool('big'), 'spec: expected a mapping, got string "big"'],
    ['a list for a message', deployment({ template: [] }), 'spec.template: expected a mapping, got a list'],
    ['a scalar for a list', { kind: 'Cell', metadata: { name: 'c' }, spec: { zones: 'a' } }, 'spec.zones: expected a list, got string "a"'],
    ['a wrong list element', { kind: 'Cell', metadata: { name: 'c' }, spec: { zones: ['a', ['b']] } }, 'spec.zones[1]: expected a string, got a list'],
    ['a null list element', { kind: 'Cell', metadata: { name: 'c' }, spec: { zones: ['a', null] } }, 'spec.zones[1]: expected a string, got nothing'],
    ['a list for a map', { kind: 'Cell', metadata: { name: 'c', labels: ['a=b'] } }, 'metadata.labels: expected a mapping, got a list'],
    ['a wrong map value', { kind: 'Cell', metadata: { name: 'c', labels: { team: { a: 1 } } } }, 'metadata.labels.team: expected a string, got a mapping'],
    ['a wrong map value under a dotted key', { kind: 'Cell', metadata: { name: 'c', labels: { 'app.kubernetes.io/name': false } } }, 'metadata.labels["app.kubernetes.io/name"]: expected a string, got boolean false'],
    ['a date without time', { kind: 'Cell', metadata: { name: 'c', createdAt: '2024-05-01' } }, 'metadata.createdAt: expected an RFC 3339 timestamp (2024-05-01T12:00:00Z), got "2024-05-01"'],
    ['an impossible date', { kind: 'Cell', metadata: { name: 'c', createdAt: '2024-13-45T99:00:00Z' } }, 'metadata.createdAt: expected an RFC 3339 timestamp (2024-05-01T12:00:00Z), got "2024-13-45T99:00:00Z"'],
    ['a number for a timestamp', { kind: 'Cell', metadata: { name: 'c', createdAt: 1714564800 } }, 'metadata.createdAt: expected an RFC 3339 timestamp (2024-05-01T12:00:00Z), got number 1714564800'],
    ['an unknown status field', { kind: 'Node', metadata: { name: 'n' }, status: { phase: 'Ready', healthy: true } }, 'status.healthy: unknown field'],
    ['a bad status enum', { kind: 'Node', metadata: { name: 'n' }, status: { phase: 'Dead' } }, 'status.phase: invalid value "Dead" (allowed: Provisioning, Ready, NotReady, Draining, Terminated)'],
  ])('%s', (_name, doc, message) => {
    let error: unknown;
    try {
      decodeManifest(doc);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).message).toBe(message);
  });

  it('carries the path, the reason and the document index', () => {
    let error: unknown;
    try {
      decodeManifest(pool({ minNode: 1 }), 2);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect(error).toMatchObject({ path: 'spec.minNode', reason: 'unknown field (did you mean "min"?)', index: 2, message: 'document 3: spec.minNode: unknown field (did you mean "min"?)' });
  });

  it('names the document itself with an empty path', () => {
    expect(() => decodeManifest(42, 0)).toThrow('document 1: expected a mapping with apiVersion, kind, metadata and spec, got number 42');
  });
});
