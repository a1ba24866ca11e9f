import type { Gpu } from '@helios/api';

/** `count` healthy H100s with UUIDs named after the node: the inventory a spec's node reports. */
export function fixtureGpus(nodeName: string, count: number): Gpu[] {
  return Array.from({ length: count }, (_, index) => ({ index, uuid: `GPU-${nodeName}-${index}`, model: 'NVIDIA H100 80GB HBM3', memoryMib: 81_559, healthy: true }));
}
