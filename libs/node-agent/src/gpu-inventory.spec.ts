import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { queryNvidiaSmi, readGpuInventory, type GpuSourceNode } from './gpu-inventory';
import { fixtureGpus } from './testing/fixture-gpus';

// spec-project: e2e (the stand-in nvidia-smi below runs as a real process)

/** Writes an executable standing in for nvidia-smi that prints `stdout` and exits with `code`. */
function fakeNvidiaSmi(stdout: string, code = 0): string {
  const dir = mkdtempSync(join(tmpdir(), 'helios-nvsmi-'));
  const file = join(dir, 'nvidia-smi');
  writeFileSync(file, `#!/bin/sh\nprintf '%s' '${stdout}'\necho 'driver sad' >&2\nexit ${code}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('readGpuInventory', () => {
  const node = { nodeName: 'n1', gpuType: 'l4', gpus: 2 };

  it('uses nvidia-smi when it is there', async () => {
    const command = fakeNvidiaSmi('0, GPU-a, NVIDIA L4, 23034\n1, GPU-b, NVIDIA L4, 23034\n');
    const inventory = await readGpuInventory({ source: 'detect', command }, node);
    expect(inventory.source).toBe('nvidia-smi');
    expect(inventory.gpus.map((g) => g.uuid)).toEqual(['GPU-a', 'GPU-b']);
  });

  it('asks the fallback source, with the node, when nvidia-smi is not installed', async () => {
    const fallback = vi.fn((n: GpuSourceNode) => fixtureGpus(n.nodeName, n.gpus));
    const inventory = await readGpuInventory({ source: 'detect', command: '/nonexistent/nvidia-smi', fallback }, node);
    expect(inventory).toEqual({ source: 'fallback', gpus: fixtureGpus('n1', 2) });
    expect(fallback).toHaveBeenCalledExactlyOnceWith(node);
  });

  it('reports no GPUs when nvidia-smi is not installed and there is no fallback', async () => {
    expect(await readGpuInventory({ source: 'detect', command: '/nonexistent/nvidia-smi' }, node)).toEqual({ source: 'fallback', gpus: [] });
  });

  it('refuses to come up when nvidia-smi fails', async () => {
    await expect(queryNvidiaSmi(fakeNvidiaSmi('', 9))).rejects.toThrow(/failed: driver sad/);
  });

  it('takes a static inventory as given', async () => {
    const gpus = [{ index: 0, uuid: 'GPU-x', model: 'X', memoryMib: 1, healthy: false }];
    expect(await readGpuInventory({ source: 'static', gpus }, node)).toEqual({ source: 'static', gpus });
  });
});
