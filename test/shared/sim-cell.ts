import { Cell, NodePool, Tier, wrap } from '@helios/api';
import type { OperatorApi } from '@helios/operator-client';

/** A benchmark cell on the sim cloud: one zone, one on-demand pool of a fixed size. */
export interface SimCellSpec {
  cell: string;
  pool: string;
  nodes: number;
  gpusPerNode: number;
}

/** Applies the Cell and its NodePool (min = max = `nodes`) through the operator API, as `helios apply` would. */
export async function applySimCell(api: OperatorApi, s: SimCellSpec): Promise<void> {
  await api.apply({ resource: wrap('cell', Cell.fromPartial({ metadata: { name: s.cell }, spec: { provider: 'sim', region: 'local', zones: ['local-a'] } })), dryRun: false });
  const pool = NodePool.fromPartial({
    metadata: { name: s.pool },
    spec: { cell: s.cell, gpuType: 'h100', instanceType: 'sim.h100', gpusPerNode: s.gpusPerNode, tier: Tier.TIER_ON_DEMAND, min: s.nodes, max: s.nodes, zone: 'local-a' },
  });
  await api.apply({ resource: wrap('nodePool', pool), dryRun: false });
}
