import { Cell, Deployment, Kind, NodePool, SpreadPolicy, type Resource } from '@helios/api';
import { connectOperator, type OperatorApi } from '@helios/operator-client';
import type { DeploymentSpec, PoolSpec } from './fleet-spec';

/** The operator API the benchmark drives the fleet through, as `helios` would. */
export class BenchOperator {
  private readonly api: OperatorApi;

  constructor(address: string) {
    this.api = connectOperator(address, { mapError: (error) => new Error(`operator API: ${error.details || error.message}`, { cause: error }) });
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
    return this.api.scale({ deployment, replicas });
  }

  deleteDeployment(name: string): Promise<unknown> {
    return this.api.delete({ kind: Kind.KIND_DEPLOYMENT, name, parent: '', resourceVersion: 0 });
  }

  close(): void {
    this.api.close();
  }

  private apply(resource: Resource): Promise<unknown> {
    return this.api.apply({ resource, dryRun: false });
  }
}
