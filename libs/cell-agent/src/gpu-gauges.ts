import { tierWord, type GpuCapacity, type Tier } from '@helios/api';
import { TIERS_BY_COST } from '@helios/scheduling';
import { Gauge, type Registry } from 'prom-client';

/** GPU states the gauges report. */
const STATES = ['allocated', 'free', 'unhealthy'] as const;

/**
 * The cell agent's GPU gauges, set from the same numbers it writes into pool and cell status:
 * `helios_pool_gpus{cell,pool,tier,state}` and `helios_cell_gpus{cell,tier,state}`, where state is
 * allocated, free or unhealthy (GPUs of Ready nodes with a live heartbeat, summed over GPU types).
 * Every tier of a cell is set, zeros included, so a tier that empties reads 0 rather than its last value.
 */
export class GpuGauges {
  private readonly pool: Gauge<'cell' | 'pool' | 'tier' | 'state'>;
  private readonly cell: Gauge<'cell' | 'tier' | 'state'>;

  constructor(registry: Registry) {
    this.pool =
      (registry.getSingleMetric('helios_pool_gpus') as Gauge<'cell' | 'pool' | 'tier' | 'state'> | undefined) ??
      new Gauge({ name: 'helios_pool_gpus', help: 'GPUs of a node pool by tier and state (allocated, free, unhealthy).', labelNames: ['cell', 'pool', 'tier', 'state'], registers: [registry] });
    this.cell =
      (registry.getSingleMetric('helios_cell_gpus') as Gauge<'cell' | 'tier' | 'state'> | undefined) ??
      new Gauge({ name: 'helios_cell_gpus', help: 'GPUs of a cell by tier and state (allocated, free, unhealthy).', labelNames: ['cell', 'tier', 'state'], registers: [registry] });
  }

  /** Sets one pool's gauges from its status GPUs; `tier` is the pool's, so an empty pool reads 0. */
  setPool(cell: string, pool: string, tier: Tier, gpus: readonly GpuCapacity[]): void {
    const sums = sumByState(gpus.filter((g) => g.tier === tier));
    for (const state of STATES) this.pool.set({ cell, pool, tier: tierWord(tier), state }, sums[state]);
  }

  /** Forgets a deleted pool's gauges. */
  removePool(cell: string, pool: string, tier: Tier): void {
    for (const state of STATES) this.pool.remove({ cell, pool, tier: tierWord(tier), state });
  }

  /** Sets a cell's gauges for every tier from its status GPUs. */
  setCell(cell: string, gpus: readonly GpuCapacity[]): void {
    for (const tier of TIERS_BY_COST) {
      const sums = sumByState(gpus.filter((g) => g.tier === tier));
      for (const state of STATES) this.cell.set({ cell, tier: tierWord(tier), state }, sums[state]);
    }
  }
}

function sumByState(gpus: readonly GpuCapacity[]): Record<(typeof STATES)[number], number> {
  return {
    allocated: gpus.reduce((n, g) => n + g.allocated, 0),
    free: gpus.reduce((n, g) => n + g.free, 0),
    unhealthy: gpus.reduce((n, g) => n + g.unhealthy, 0),
  };
}
