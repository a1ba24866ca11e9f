import { Cell, Deployment, LoadSignal, Node, NodePool, Replica, SpreadPolicy, Tier, type AnyResource, type KindName, type ResourceTypes } from '@helios/api';
import { describe, expect, it } from 'vitest';
import { validateResource } from './validate-resource';

const meta = (name: string) => ({ name, labels: { team: 'ml' } });

/** One valid resource of each kind; every case below breaks one thing in a copy of it. */
const VALID: { [K in KindName]: () => ResourceTypes[K] } = {
  cell: () => Cell.fromPartial({ metadata: meta('aws-use1'), spec: { provider: 'aws', region: 'us-east-1', zones: ['us-east-1a', 'us-east-1b'] } }),
  nodePool: () =>
    NodePool.fromPartial({
      metadata: meta('gpu-a'),
      spec: { cell: 'aws-use1', gpuType: 'h100', instanceType: 'p5.48xlarge', gpusPerNode: 8, tier: Tier.TIER_ON_DEMAND, min: 0, max: 10, hourlyPrice: 98.3 },
    }),
  node: () => Node.fromPartial({ metadata: meta('n-1'), spec: { cell: 'aws-use1', pool: 'gpu-a', tier: Tier.TIER_ON_DEMAND, providerId: 'i-0abc', gpuType: 'h100', gpus: 8 } }),
  deployment: () =>
    Deployment.fromPartial({
      metadata: meta('llama'),
      spec: {
        replicas: 3,
        template: { command: ['python', 'serve.py'], port: 8080, gpus: 1, gpuType: 'h100', readinessProbe: { path: '/ready', periodSeconds: 1 }, env: { MODEL: 'llama' } },
        strategy: { maxSurge: '25%', maxUnavailable: '0', minReadySeconds: 5, progressDeadlineSeconds: 600 },
        placement: { cells: ['aws-use1'], spread: SpreadPolicy.SPREAD_POLICY_SPREAD, tierPolicy: { allowed: [Tier.TIER_RESERVED, Tier.TIER_PREEMPTIBLE], maxPreemptiblePercent: 50 } },
        autoscaling: { minReplicas: 1, maxReplicas: 10, targetLoad: 4, tolerance: 0.1 },
      },
    }),
  replica: () =>
    Replica.fromPartial({
      metadata: meta('llama-x7k2'),
      spec: { deployment: 'llama', revision: 2, template: { command: ['python'], gpus: 1, gpuType: 'h100' }, cell: 'aws-use1', node: 'n-1', gpuIndices: [0] },
    }),
};

interface Case<K extends KindName = KindName> {
  name: string;
  kind: K;
  change: (r: ResourceTypes[K]) => void;
  /** Paths of the errors expected, in order; [] means valid. */
  paths: string[];
  /** A piece of the first error's message. */
  message?: string;
}

/** Types `change` by the case's kind. */
const tc = <K extends KindName>(c: Case<K>): Case => c as unknown as Case;

const cases: Case[] = [
  // every kind: the base fixture is valid
  ...(['cell', 'nodePool', 'node', 'deployment', 'replica'] as const).map((kind) => ({ name: 'valid', kind, change: () => {}, paths: [] })),

  // metadata (any kind)
  tc({ name: 'no metadata', kind: 'cell', change: (r) => void (r.metadata = undefined), paths: ['metadata.name'], message: 'is required' }),
  tc({ name: 'empty name', kind: 'cell', change: (r) => void (r.metadata!.name = ''), paths: ['metadata.name'], message: 'is required' }),
  tc({ name: 'uppercase name', kind: 'nodePool', change: (r) => void (r.metadata!.name = 'GPU'), paths: ['metadata.name'], message: 'DNS-1123' }),
  tc({ name: 'name with slash', kind: 'node', change: (r) => void (r.metadata!.name = 'a/b'), paths: ['metadata.name'] }),
  tc({ name: 'name of 64 chars', kind: 'deployment', change: (r) => void (r.metadata!.name = 'a'.repeat(64)), paths: ['metadata.name'] }),
  tc({ name: 'name of 63 chars', kind: 'deployment', change: (r) => void (r.metadata!.name = 'a'.repeat(63)), paths: [] }),
  tc({ name: 'bad label key', kind: 'cell', change: (r) => void (r.metadata!.labels = { 'no spaces': 'x' }), paths: ['metadata.labels["no spaces"]'] }),
  tc({ name: 'bad label value', kind: 'cell', change: (r) => void (r.metadata!.labels = { team: 'a b' }), paths: ['metadata.labels["team"]'] }),
  tc({ name: 'negative generation', kind: 'cell', change: (r) => void (r.metadata!.generation = -1), paths: ['metadata.generation'], message: 'must not be negative' }),
  tc({ name: 'negative resourceVersion', kind: 'cell', change: (r) => void (r.metadata!.resourceVersion = -3), paths: ['metadata.resourceVersion'] }),

  // cell
  tc({ name: 'no spec', kind: 'cell', change: (r) => void (r.spec = undefined), paths: ['spec.provider'], message: 'is required: one of sim, aws, gcp' }),
  tc({ name: 'unknown provider', kind: 'cell', change: (r) => void (r.spec!.provider = 'azure'), paths: ['spec.provider'], message: 'must be one of sim, aws, gcp, got "azure"' }),
  tc({ name: 'aws without region', kind: 'cell', change: (r) => void (r.spec!.region = ''), paths: ['spec.region'], message: 'is required' }),
  tc({ name: 'sim without region', kind: 'cell', change: (r) => void Object.assign(r.spec!, { provider: 'sim', region: '', zones: [] }), paths: [] }),
  tc({ name: 'long region', kind: 'cell', change: (r) => void (r.spec!.region = 'r'.repeat(254)), paths: ['spec.region'], message: 'at most 253' }),
  tc({ name: 'duplicate zone', kind: 'cell', change: (r) => void (r.spec!.zones = ['z-a', 'z-a']), paths: ['spec.zones[1]'], message: 'duplicate' }),
  tc({ name: 'bad zone', kind: 'cell', change: (r) => void (r.spec!.zones = ['Z A']), paths: ['spec.zones[0]'] }),

  // node pool
  tc({ name: 'pool without cell', kind: 'nodePool', change: (r) => void (r.spec!.cell = ''), paths: ['spec.cell'], message: 'is required' }),
  tc({ name: 'pool without spec', kind: 'nodePool', change: (r) => void (r.spec = undefined), paths: ['spec.cell', 'spec.gpusPerNode', 'spec.gpuType', 'spec.tier'] }),
  tc({ name: 'min > max', kind: 'nodePool', change: (r) => void Object.assign(r.spec!, { min: 3, max: 2 }), paths: ['spec.min'], message: 'must be <= spec.max (3 > 2)' }),
  tc({ name: 'min == max', kind: 'nodePool', change: (r) => void Object.assign(r.spec!, { min: 2, max: 2 }), paths: [] }),
  tc({ name: 'negative min', kind: 'nodePool', change: (r) => void (r.spec!.min = -1), paths: ['spec.min'], message: 'must not be negative, got -1' }),
  tc({ name: 'max over 100000', kind: 'nodePool', change: (r) => void (r.spec!.max = 100_001), paths: ['spec.max'], message: 'must be <= 100000' }),
  tc({ name: 'max of 100000', kind: 'nodePool', change: (r) => void (r.spec!.max = 100_000), paths: [] }),
  tc({ name: '0 gpus per node', kind: 'nodePool', change: (r) => void (r.spec!.gpusPerNode = 0), paths: ['spec.gpusPerNode'], message: 'must be >= 1' }),
  tc({ name: '17 gpus per node', kind: 'nodePool', change: (r) => void (r.spec!.gpusPerNode = 17), paths: ['spec.gpusPerNode'], message: 'must be <= 16' }),
  tc({ name: '16 gpus per node', kind: 'nodePool', change: (r) => void (r.spec!.gpusPerNode = 16), paths: [] }),
  tc({ name: 'pool without gpuType', kind: 'nodePool', change: (r) => void (r.spec!.gpuType = ''), paths: ['spec.gpuType'] }),
  tc({ name: 'unspecified tier', kind: 'nodePool', change: (r) => void (r.spec!.tier = Tier.TIER_UNSPECIFIED), paths: ['spec.tier'], message: 'is required' }),
  tc({ name: 'unknown tier number', kind: 'nodePool', change: (r) => void (r.spec!.tier = 9 as Tier), paths: ['spec.tier'], message: 'got 9' }),
  tc({ name: 'reservation on on-demand', kind: 'nodePool', change: (r) => void (r.spec!.reservationId = 'cr-1'), paths: ['spec.reservationId'] }),
  tc({ name: 'reservation on reserved', kind: 'nodePool', change: (r) => void Object.assign(r.spec!, { reservationId: 'cr-1', tier: Tier.TIER_RESERVED }), paths: [] }),
  tc({ name: 'negative price', kind: 'nodePool', change: (r) => void (r.spec!.hourlyPrice = -1), paths: ['spec.hourlyPrice'] }),
  tc({ name: 'NaN price', kind: 'nodePool', change: (r) => void (r.spec!.hourlyPrice = Number.NaN), paths: ['spec.hourlyPrice'], message: 'finite' }),
  tc({ name: 'fractional min', kind: 'nodePool', change: (r) => void (r.spec!.min = 1.5), paths: ['spec.min'], message: 'integer' }),

  // node
  tc({ name: 'node without cell', kind: 'node', change: (r) => void (r.spec!.cell = ''), paths: ['spec.cell'] }),
  tc({ name: 'node without pool', kind: 'node', change: (r) => void (r.spec!.pool = ''), paths: [] }),
  tc({ name: 'node with bad pool', kind: 'node', change: (r) => void (r.spec!.pool = 'Pool'), paths: ['spec.pool'] }),
  tc({ name: 'node gpus without type', kind: 'node', change: (r) => void (r.spec!.gpuType = ''), paths: ['spec.gpuType'], message: 'is required when spec.gpus > 0' }),
  tc({ name: 'cpu node without type', kind: 'node', change: (r) => void Object.assign(r.spec!, { gpus: 0, gpuType: '' }), paths: [] }),
  tc({ name: 'node 17 gpus', kind: 'node', change: (r) => void (r.spec!.gpus = 17), paths: ['spec.gpus'] }),
  tc({ name: 'node negative gpus', kind: 'node', change: (r) => void (r.spec!.gpus = -1), paths: ['spec.gpus'] }),
  tc({ name: 'node unknown tier', kind: 'node', change: (r) => void (r.spec!.tier = 4 as Tier), paths: ['spec.tier'] }),
  tc({ name: 'node unspecified tier', kind: 'node', change: (r) => void (r.spec!.tier = Tier.TIER_UNSPECIFIED), paths: [] }),

  // deployment
  tc({ name: 'no template', kind: 'deployment', change: (r) => void (r.spec!.template = undefined), paths: ['spec.template'], message: 'is required' }),
  tc({ name: 'empty command', kind: 'deployment', change: (r) => void (r.spec!.template!.command = []), paths: ['spec.template.command'], message: 'is required' }),
  tc({ name: 'empty program', kind: 'deployment', change: (r) => void (r.spec!.template!.command = ['', 'x']), paths: ['spec.template.command[0]'] }),
  tc({ name: 'too many args', kind: 'deployment', change: (r) => void (r.spec!.template!.command = Array(257).fill('x')), paths: ['spec.template.command'], message: 'at most 256' }),
  tc({ name: 'huge arg', kind: 'deployment', change: (r) => void (r.spec!.template!.command = ['x', 'y'.repeat(4097)]), paths: ['spec.template.command[1]'] }),
  tc({ name: 'negative replicas', kind: 'deployment', change: (r) => void (r.spec!.replicas = -1), paths: ['spec.replicas'] }),
  tc({ name: 'replicas over 10000', kind: 'deployment', change: (r) => void (r.spec!.replicas = 10_001), paths: ['spec.replicas'], message: 'must be <= 10000' }),
  tc({ name: 'zero replicas', kind: 'deployment', change: (r) => void (r.spec!.replicas = 0), paths: [] }),
  tc({ name: 'port 0 (node agent picks)', kind: 'deployment', change: (r) => void (r.spec!.template!.port = 0), paths: [] }),
  tc({ name: 'port 65536', kind: 'deployment', change: (r) => void (r.spec!.template!.port = 65_536), paths: ['spec.template.port'] }),
  tc({ name: 'negative port', kind: 'deployment', change: (r) => void (r.spec!.template!.port = -80), paths: ['spec.template.port'] }),
  tc({ name: 'gpus without gpuType', kind: 'deployment', change: (r) => void (r.spec!.template!.gpuType = ''), paths: ['spec.template.gpuType'], message: 'when spec.template.gpus > 0' }),
  tc({ name: 'cpu template without gpuType', kind: 'deployment', change: (r) => void Object.assign(r.spec!.template!, { gpus: 0, gpuType: '' }), paths: [] }),
  tc({ name: '17 gpus per replica', kind: 'deployment', change: (r) => void (r.spec!.template!.gpus = 17), paths: ['spec.template.gpus'] }),
  tc({ name: 'probe path relative', kind: 'deployment', change: (r) => void (r.spec!.template!.readinessProbe!.path = 'ready'), paths: ['spec.template.readinessProbe.path'] }),
  tc({ name: 'probe negative period', kind: 'deployment', change: (r) => void (r.spec!.template!.readinessProbe!.periodSeconds = -1), paths: ['spec.template.readinessProbe.periodSeconds'] }),
  tc({ name: 'bad env name', kind: 'deployment', change: (r) => void (r.spec!.template!.env = { '1X': 'v' }), paths: ['spec.template.env["1X"]'] }),
  tc({ name: 'huge env value', kind: 'deployment', change: (r) => void (r.spec!.template!.env = { X: 'v'.repeat(32 * 1024 + 1) }), paths: ['spec.template.env["X"]'] }),
  tc({ name: 'bad template annotation key', kind: 'deployment', change: (r) => void (r.spec!.template!.annotations = { 'helios.dev/restartedAt': 'now', 'no good': '' }), paths: ['spec.template.annotations["no good"]'] }),
  tc({ name: 'surge and unavailable 0', kind: 'deployment', change: (r) => void Object.assign(r.spec!.strategy!, { maxSurge: '0', maxUnavailable: '0%' }), paths: ['spec.strategy.maxSurge'], message: 'must not be 0 when spec.strategy.maxUnavailable is 0' }),
  tc({ name: 'surge 0 and unavailable default', kind: 'deployment', change: (r) => void Object.assign(r.spec!.strategy!, { maxSurge: '0', maxUnavailable: '' }), paths: ['spec.strategy.maxSurge'] }),
  tc({ name: 'surge 0 and unavailable 1', kind: 'deployment', change: (r) => void Object.assign(r.spec!.strategy!, { maxSurge: '0', maxUnavailable: '1' }), paths: [] }),
  tc({ name: 'both defaults', kind: 'deployment', change: (r) => void Object.assign(r.spec!.strategy!, { maxSurge: '', maxUnavailable: '' }), paths: [] }),
  tc({ name: 'surge not a number', kind: 'deployment', change: (r) => void (r.spec!.strategy!.maxSurge = 'two'), paths: ['spec.strategy.maxSurge'] }),
  tc({ name: 'unavailable over 100%', kind: 'deployment', change: (r) => void (r.spec!.strategy!.maxUnavailable = '150%'), paths: ['spec.strategy.maxUnavailable'] }),
  tc({ name: 'negative surge', kind: 'deployment', change: (r) => void (r.spec!.strategy!.maxSurge = '-1'), paths: ['spec.strategy.maxSurge'] }),
  tc({ name: 'deadline within minReady', kind: 'deployment', change: (r) => void Object.assign(r.spec!.strategy!, { minReadySeconds: 30, progressDeadlineSeconds: 30 }), paths: ['spec.strategy.progressDeadlineSeconds'] }),
  tc({ name: 'negative drain', kind: 'deployment', change: (r) => void (r.spec!.strategy!.drainSeconds = -5), paths: ['spec.strategy.drainSeconds'] }),
  tc({ name: 'bad placement cell', kind: 'deployment', change: (r) => void (r.spec!.placement!.cells = ['ok', 'Not OK']), paths: ['spec.placement.cells[1]'] }),
  tc({ name: 'unknown spread', kind: 'deployment', change: (r) => void (r.spec!.placement!.spread = 5 as SpreadPolicy), paths: ['spec.placement.spread'] }),
  tc({ name: 'unspecified allowed tier', kind: 'deployment', change: (r) => void (r.spec!.placement!.tierPolicy!.allowed = [Tier.TIER_UNSPECIFIED]), paths: ['spec.placement.tierPolicy.allowed[0]'] }),
  tc({ name: 'duplicate allowed tier', kind: 'deployment', change: (r) => void (r.spec!.placement!.tierPolicy!.allowed = [Tier.TIER_RESERVED, Tier.TIER_RESERVED]), paths: ['spec.placement.tierPolicy.allowed[1]'] }),
  tc({ name: 'preemptible percent 101', kind: 'deployment', change: (r) => void (r.spec!.placement!.tierPolicy!.maxPreemptiblePercent = 101), paths: ['spec.placement.tierPolicy.maxPreemptiblePercent'] }),
  tc({ name: 'autoscaling min > max', kind: 'deployment', change: (r) => void Object.assign(r.spec!.autoscaling!, { minReplicas: 5, maxReplicas: 4 }), paths: ['spec.autoscaling.minReplicas'], message: '(5 > 4)' }),
  tc({ name: 'autoscaling max 0', kind: 'deployment', change: (r) => void Object.assign(r.spec!.autoscaling!, { minReplicas: 0, maxReplicas: 0 }), paths: ['spec.autoscaling.maxReplicas'] }),
  tc({ name: 'autoscaling max over 10000', kind: 'deployment', change: (r) => void (r.spec!.autoscaling!.maxReplicas = 10_001), paths: ['spec.autoscaling.maxReplicas'] }),
  tc({ name: 'autoscaling zero target', kind: 'deployment', change: (r) => void (r.spec!.autoscaling!.targetLoad = 0), paths: ['spec.autoscaling.targetLoad'], message: 'must be > 0 when spec.autoscaling.metrics is empty' }),
  tc({ name: 'autoscaling tolerance 2', kind: 'deployment', change: (r) => void (r.spec!.autoscaling!.tolerance = 2), paths: ['spec.autoscaling.tolerance'] }),
  tc({ name: 'autoscaling on metrics alone', kind: 'deployment', change: (r) => void Object.assign(r.spec!.autoscaling!, { targetLoad: 0, metrics: [{ signal: LoadSignal.LOAD_SIGNAL_QUEUE_DEPTH, gauge: '', target: 2 }] }), paths: [] }),
  tc({ name: 'autoscaling negative min', kind: 'deployment', change: (r) => void (r.spec!.autoscaling!.minReplicas = -1), paths: ['spec.autoscaling.minReplicas'] }),
  tc({ name: 'autoscaling NaN target', kind: 'deployment', change: (r) => void (r.spec!.autoscaling!.targetLoad = NaN), paths: ['spec.autoscaling.targetLoad'], message: 'finite' }),
  tc({ name: 'autoscaling panic window over the stable one', kind: 'deployment', change: (r) => void Object.assign(r.spec!.autoscaling!, { stableWindowSeconds: 10, panicWindowSeconds: 20 }), paths: ['spec.autoscaling.panicWindowSeconds'], message: '(20 > 10)' }),
  tc({ name: 'autoscaling panic window over the default stable one', kind: 'deployment', change: (r) => void (r.spec!.autoscaling!.panicWindowSeconds = 61), paths: ['spec.autoscaling.panicWindowSeconds'] }),
  tc({ name: 'autoscaling panic threshold 100', kind: 'deployment', change: (r) => void (r.spec!.autoscaling!.panicThresholdPercent = 100), paths: ['spec.autoscaling.panicThresholdPercent'] }),
  tc({ name: 'autoscaling step percent 101', kind: 'deployment', change: (r) => void (r.spec!.autoscaling!.scaleDownMaxStepPercent = 101), paths: ['spec.autoscaling.scaleDownMaxStepPercent'] }),
  tc({ name: 'autoscaling negative idle window', kind: 'deployment', change: (r) => void (r.spec!.autoscaling!.scaleToZeroIdleSeconds = -5), paths: ['spec.autoscaling.scaleToZeroIdleSeconds'] }),
  tc({ name: 'autoscaling stable window over a day', kind: 'deployment', change: (r) => void (r.spec!.autoscaling!.stableWindowSeconds = 86_401), paths: ['spec.autoscaling.stableWindowSeconds'] }),
  tc({
    name: 'autoscaling metric problems',
    kind: 'deployment',
    change: (r) =>
      void (r.spec!.autoscaling!.metrics = [
        { signal: LoadSignal.LOAD_SIGNAL_UNSPECIFIED, gauge: '', target: 1 },
        { signal: LoadSignal.LOAD_SIGNAL_GAUGE, gauge: '', target: 1 },
        { signal: LoadSignal.LOAD_SIGNAL_IN_FLIGHT, gauge: 'x', target: 0 },
        { signal: LoadSignal.LOAD_SIGNAL_GAUGE, gauge: 'kv', target: Infinity },
        { signal: LoadSignal.LOAD_SIGNAL_GAUGE, gauge: 'kv', target: 1 },
      ]),
    paths: [
      'spec.autoscaling.metrics[0].signal',
      'spec.autoscaling.metrics[1].gauge',
      'spec.autoscaling.metrics[2].gauge',
      'spec.autoscaling.metrics[2].target',
      'spec.autoscaling.metrics[3].target',
      'spec.autoscaling.metrics[4]',
    ],
  }),
  tc({ name: 'negative history limit', kind: 'deployment', change: (r) => void (r.spec!.revisionHistoryLimit = -1), paths: ['spec.revisionHistoryLimit'] }),
  tc({
    name: 'several errors at once',
    kind: 'deployment',
    change: (r) => void Object.assign(r.spec!, { replicas: -2, template: { ...r.spec!.template!, command: [] } }),
    paths: ['spec.replicas', 'spec.template.command'],
  }),

  // replica
  tc({ name: 'replica without deployment', kind: 'replica', change: (r) => void (r.spec!.deployment = ''), paths: ['spec.deployment'], message: 'is required' }),
  tc({ name: 'replica unplaced', kind: 'replica', change: (r) => void Object.assign(r.spec!, { cell: '', node: '', gpuIndices: [] }), paths: [] }),
  tc({ name: 'replica without template', kind: 'replica', change: (r) => void (r.spec!.template = undefined), paths: [] }),
  tc({ name: 'replica template empty command', kind: 'replica', change: (r) => void (r.spec!.template!.command = []), paths: ['spec.template.command'] }),
  tc({ name: 'replica bad node', kind: 'replica', change: (r) => void (r.spec!.node = 'N_1'), paths: ['spec.node'] }),
  tc({ name: 'replica gpu index 16', kind: 'replica', change: (r) => void (r.spec!.gpuIndices = [16]), paths: ['spec.gpuIndices[0]'] }),
  tc({ name: 'replica duplicate gpu index', kind: 'replica', change: (r) => void (r.spec!.gpuIndices = [1, 1]), paths: ['spec.gpuIndices[1]'] }),
  tc({ name: 'replica negative revision', kind: 'replica', change: (r) => void (r.spec!.revision = -1), paths: ['spec.revision'] }),
  tc({ name: 'replica unknown tier', kind: 'replica', change: (r) => void (r.spec!.tier = 12 as Tier), paths: ['spec.tier'] }),
];

describe('validateResource', () => {
  it.each(cases)('$kind: $name', ({ kind, change, paths, message }) => {
    const resource = VALID[kind]();
    (change as (r: AnyResource) => void)(resource);
    const errors = validateResource(kind, resource);
    expect(errors.map((e) => e.path)).toEqual(paths);
    if (message) expect(errors[0]!.message).toContain(message);
  });

  it('rejects a missing resource', () => {
    expect(validateResource('cell', undefined)).toEqual([{ path: '', message: 'a resource is required' }]);
  });
});
