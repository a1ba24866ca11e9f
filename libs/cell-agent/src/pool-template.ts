import type { Cell, NodePool } from '@helios/api';
import type { PoolTemplate } from '@helios/provider';

/**
 * What the cloud is asked for when a pool grows: the pool's spec in the cell's region. A pool
 * without a zone uses the cell's first zone; one without an instance type gets a name the sim
 * accepts (`<gpuType>x<gpusPerNode>`), which real adapters reject as InvalidConfiguration.
 */
export function poolTemplate(cell: Cell, pool: NodePool): PoolTemplate {
  const spec = pool.spec!;
  const template: PoolTemplate = {
    cell: spec.cell,
    pool: pool.metadata!.name,
    region: cell.spec?.region ?? '',
    zone: spec.zone || cell.spec?.zones[0] || '',
    instanceType: spec.instanceType || `${spec.gpuType}x${spec.gpusPerNode}`,
    gpuType: spec.gpuType,
    gpusPerNode: spec.gpusPerNode,
    tier: spec.tier,
  };
  if (spec.reservationId) template.reservationId = spec.reservationId;
  return template;
}
