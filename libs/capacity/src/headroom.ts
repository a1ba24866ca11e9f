import type { ResolvedCapacityOptions } from './capacity-options';

/**
 * Counts the free GPUs to keep beyond a demand: the absolute headroom plus a percent of the demand,
 * rounded up so a small demand still gets a whole GPU of room.
 *
 *   demand 30 GPUs, headroom 4 GPUs + 10 %  -> 4 + ceil(3.0) = 7
 *   demand 12 GPUs, headroom 0 GPUs + 10 %  -> 0 + ceil(1.2) = 2
 *   demand  0 GPUs, headroom 8 GPUs + 50 %  -> 8 (an idle cell keeps one warm 8-GPU node)
 *   demand 40 GPUs, no headroom             -> 0
 */
export function headroomGpus(demandGpus: number, options: Pick<ResolvedCapacityOptions, 'headroomGpus' | 'headroomPercent'>): number {
  return options.headroomGpus + Math.ceil((options.headroomPercent * Math.max(0, demandGpus)) / 100);
}
