import { describe, expect, it } from 'vitest';
import { simulatedGpus } from './simulated-gpus';

describe('simulatedGpus', () => {
  it('makes healthy GPUs with stable, distinct UUIDs and known memory', () => {
    const gpus = simulatedGpus('h100-abcde', 'h100', 8);
    expect(gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(gpus.map((g) => g.uuid)).size).toBe(8);
    expect(gpus[0]).toMatchObject({ model: 'NVIDIA H100 (simulated)', memoryMib: 81_559, healthy: true });
    expect(gpus[0]!.uuid).toMatch(/^GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(simulatedGpus('h100-abcde', 'h100', 8)).toEqual(gpus);
    expect(simulatedGpus('other', 'h100', 1)[0]!.uuid).not.toBe(gpus[0]!.uuid);
    expect(simulatedGpus('n', 'mystery', 1)[0]!.memoryMib).toBe(0);
  });
});
