import type { Gpu } from '@helios/api';
import { execFile } from 'node:child_process';
import { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv } from './nvidia-smi-parser';

/** The node a fallback GPU source makes a list for: its name, GPU type and GPU count. */
export interface GpuSourceNode {
  nodeName: string;
  gpuType: string;
  gpus: number;
}

/**
 * Makes the GPU list of a host that has no NVIDIA driver to ask. The composition root picks it
 * (apps/node-agent hands in the sim's simulatedGpus), so this library knows no simulation.
 */
export type GpuSource = (node: GpuSourceNode) => Gpu[];

/** Where a node agent's GPU list comes from. */
export type GpuInventoryOption =
  /**
   * nvidia-smi when it is installed, else `fallback`'s list (no GPUs without one); a host whose
   * nvidia-smi fails does not start.
   */
  | { source: 'detect'; command?: string; fallback?: GpuSource }
  /** Exactly these GPUs: simulated nodes (thousands per process) and tests. */
  | { source: 'static'; gpus: Gpu[] };

/** The GPUs a node reports and where they came from. */
export interface GpuInventory {
  gpus: Gpu[];
  source: 'nvidia-smi' | 'fallback' | 'static';
}

/** Resolves a node's GPU inventory from its option; a fallback source is handed `node`. */
export async function readGpuInventory(option: GpuInventoryOption, node: GpuSourceNode): Promise<GpuInventory> {
  switch (option.source) {
    case 'static':
      return { gpus: option.gpus, source: 'static' };
    case 'detect': {
      const gpus = await queryNvidiaSmi(option.command);
      return gpus ? { gpus, source: 'nvidia-smi' } : { gpus: option.fallback?.(node) ?? [], source: 'fallback' };
    }
  }
}

/**
 * Lists the host's GPUs with nvidia-smi; undefined when nvidia-smi is not installed (a machine
 * without NVIDIA drivers). Any other failure rejects: a GPU host whose driver does not answer
 * must not come up looking healthy.
 */
export function queryNvidiaSmi(command = 'nvidia-smi', timeoutMs = 10_000): Promise<Gpu[] | undefined> {
  return new Promise((resolve, reject) => {
    execFile(command, [...NVIDIA_SMI_ARGS], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return resolve(undefined);
      if (err) return reject(new Error(`${command} failed: ${stderr.trim() || err.message}`, { cause: err }));
      try {
        resolve(parseNvidiaSmiCsv(stdout));
      } catch (parseErr) {
        reject(new Error(`cannot read the output of ${command}`, { cause: parseErr }));
      }
    });
  });
}
