import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryNvidiaSmi, readGpuInventory } from './gpu-inventory';
import { simulatedGpus } from './simulated-gpus';

/** Writes an executable standing in for nvidia-smi that prints `stdout` and exits with `code`. */
function fakeNvidiaSmi(stdout: string, code = 0): string {
  const dir = mkdtempSync(join(tmpdir(), 'helios-nvsmi-'));
  const file = join(dir, 'nvidia-smi');
  writeFileSync(file, `#!/bin/sh\nprintf '%s' '${stdout}'\necho 'driver sad' >&2\nexit ${code}\n`);
  chmodSync(file, 0o755);
  return file;
}

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

describe('readGpuInventory', () => {
  const node = { nodeName: 'n1', gpuType: 'l4', gpus: 2 };

  it('uses nvidia-smi when it is there', async () => {
    const command = fakeNvidiaSmi('0, GPU-a, NVIDIA L4, 23034\n1, GPU-b, NVIDIA L4, 23034\n');
    const inventory = await readGpuInventory({ source: 'detect', command }, node);
    expect(inventory.source).toBe('nvidia-smi');
    expect(inventory.gpus.map((g) => g.uuid)).toEqual(['GPU-a', 'GPU-b']);
  });

  it('falls back to simulated GPUs when nvidia-smi is not installed', async () => {
    const inventory = await readGpuInventory({ source: 'detect', command: '/nonexistent/nvidia-smi' }, node);
    expect(inventory).toEqual({ source: 'simulated', gpus: simulatedGpus('n1', 'l4', 2) });
  });

  it('refuses to come up when nvidia-smi fails', async () => {
    await expect(queryNvidiaSmi(fakeNvidiaSmi('', 9))).rejects.toThrow(/failed: driver sad/);
  });

  it('takes a static inventory as given', async () => {
    const gpus = [{ index: 0, uuid: 'GPU-x', model: 'X', memoryMib: 1, healthy: false }];
    expect(await readGpuInventory({ source: 'static', gpus }, node)).toEqual({ source: 'static', gpus });
  });
});
