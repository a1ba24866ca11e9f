import type { Gpu } from '@helios/api';
import { createHash } from 'node:crypto';

// Memory (MiB) nvidia-smi reports for the GPU types the sim knows; unknown types report 0.
const MEMORY_MIB: Readonly<Record<string, number>> = {
  b200: 183_359,
  h200: 143_771,
  h100: 81_559,
  a100: 81_920,
  'a100-40gb': 40_960,
  l40s: 46_068,
  l4: 23_034,
  a10g: 23_028,
  t4: 15_360,
};

/**
 * Makes the GPU inventory of a simulated node: `count` healthy GPUs of `gpuType`, indexed from 0,
 * with UUIDs derived from the node name so a restarted simulated node reports the same GPUs.
 */
export function simulatedGpus(nodeName: string, gpuType: string, count: number): Gpu[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    uuid: simulatedUuid(nodeName, index),
    model: `NVIDIA ${gpuType.toUpperCase()} (simulated)`,
    memoryMib: MEMORY_MIB[gpuType.toLowerCase()] ?? 0,
    healthy: true,
  }));
}

function simulatedUuid(nodeName: string, index: number): string {
  const h = createHash('sha1').update(`${nodeName}/${index}`).digest('hex');
  return `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
