import type { Gpu } from '@helios/api';
import { execFile } from 'node:child_process';
import { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv } from './nvidia-smi-parser';
import { simulatedGpus } from './simulated-gpus';

/** Where a node agent's GPU list comes from. */
export type GpuInventoryOption =
  /** `gpus` GPUs of `gpuType`, made up: simulated nodes, thousands per process. */
  | { source: 'simulated' }
  /** nvidia-smi when it is installed, else simulated; a host whose nvidia-smi fails does not start. */
  | { source: 'detect'; command?: string }
  /** Exactly these GPUs (tests). */
  | { source: 'static'; gpus: Gpu[] };

/** The GPUs a node reports and where they came from. */
export interface GpuInventory {
  gpus: Gpu[];
  source: 'nvidia-smi' | 'simulated' | 'static';
}

/** Resolves a node's GPU inventory from its option; simulated GPUs use `gpuType` and `count`. */
export async function readGpuInventory(option: GpuInventoryOption, node: { nodeName: string; gpuType: string; gpus: number }): Promise<GpuInventory> {
  switch (option.source) {
    case 'static':
      return { gpus: option.gpus, source: 'static' };
    case 'simulated':
      return { gpus: simulatedGpus(node.nodeName, node.gpuType, node.gpus), source: 'simulated' };
    case 'detect': {
      const gpus = await queryNvidiaSmi(option.command);
      return gpus ? { gpus, source: 'nvidia-smi' } : { gpus: simulatedGpus(node.nodeName, node.gpuType, node.gpus), source: 'simulated' };
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
