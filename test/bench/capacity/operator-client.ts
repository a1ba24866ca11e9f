import { credentials, type ServiceError } from '@grpc/grpc-js';
import { Cell, Deployment, Kind, NodePool, OperatorServiceClient, SpreadPolicy, type Resource } from '@helios/api';
import type { DeploymentSpec, PoolSpec } from './fleet-spec';

/** The operator API the benchmark drives the fleet through, as `helios` would. */
export class BenchOperator {
  private readonly client: OperatorServiceClient;

  constructor(address: string) {
    this.client = new OperatorServiceClient(address, credentials.createInsecure());
  }

  applyCell(name: string, region: string): Promise<unknown> {
    return this.apply({ kind: { $case: 'cell', cell: Cell.fromPartial({ metadata: { name }, spec: { provider: 'sim', region, zones: [`${region}a`] } }) } });
  }

  applyPool(p: PoolSpec): Promise<unknown> {
    const nodePool = NodePool.fromPartial({
      metadata: { name: p.name },
      spec: { cell: p.cell, gpuType: 'h100', instanceType: 'sim.8xh100', gpusPerNode: p.gpusPerNode, tier: p.tier, min: p.min, max: p.max, hourlyPrice: p.price },
    });
    return this.apply({ kind: { $case: 'nodePool', nodePool } });
  }

  applyDeployment(d: DeploymentSpec): Promise<unknown> {
    const deployment = Deployment.fromPartial({
      metadata: { name: d.name },
      spec: {
        replicas: d.replicas,
        template: { command: ['simulated-model-server'], gpus: d.gpus, gpuType: 'h100' },
        placement: {
          cells: d.cells ?? [],
          spread: d.spread ? SpreadPolicy.SPREAD_POLICY_SPREAD : SpreadPolicy.SPREAD_POLICY_PACK,
          tierPolicy: { allowed: d.tiers ?? [], maxPreemptiblePercent: d.maxPreemptiblePercent ?? 0 },
        },
      },
    });
    return this.apply({ kind: { $case: 'deployment', deployment } });
  }

  scale(deployment: string, replicas: number): Promise<unknown> {
    return call((cb) => this.client.scale({ deployment, replicas }, cb));
  }

  deleteDeployment(name: string): Promise<unknown> {
    return call((cb) => this.client.delete({ kind: Kind.KIND_DEPLOYMENT, name, parent: '', resourceVersion: 0 }, cb));
  }

  close(): void {
    this.client.close();
  }

  private apply(resource: Resource): Promise<unknown> {
    return call((cb) => this.client.apply({ resource, dryRun: false }, cb));
  }
}

function call<T>(fn: (cb: (err: ServiceError | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(new Error(`operator API: ${err.details || err.message}`, { cause: err })) : resolve(value as T))));
}
