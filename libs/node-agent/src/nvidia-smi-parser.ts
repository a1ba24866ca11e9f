import type { Gpu } from '@helios/api';

/** The arguments that make nvidia-smi print what `parseNvidiaSmiCsv` reads. */
export const NVIDIA_SMI_ARGS = ['--query-gpu=index,uuid,name,memory.total', '--format=csv,noheader,nounits'] as const;

/**
 * Parses the output of `nvidia-smi --query-gpu=index,uuid,name,memory.total
 * --format=csv,noheader,nounits` into GPUs, one per non-blank line, sorted by index.
 *
 * Worked example: the line `0, GPU-5f0e9c4a-..., NVIDIA H100 80GB HBM3, 81559` becomes
 * `{ index: 0, uuid: 'GPU-5f0e9c4a-...', model: 'NVIDIA H100 80GB HBM3', memoryMib: 81559, healthy: true }`.
 * A model name containing commas keeps them (the fields around it are fixed), and a memory that
 * nvidia-smi cannot read (`[N/A]`, `[Not Supported]`) becomes 0. Every listed GPU is healthy:
 * health comes from later checks (XID errors, ECC), not from the listing.
 */
export function parseNvidiaSmiCsv(output: string): Gpu[] {
  const gpus: Gpu[] = [];
  output.split(/\r?\n/).forEach((raw, lineNo) => {
    const line = raw.trim();
    if (!line) return;
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 4) throw new Error(`nvidia-smi line ${lineNo + 1} has ${fields.length} fields, expected 4: "${line}"`);
    const [indexField, uuid] = fields as [string, string];
    const memoryField = fields[fields.length - 1]!;
    const model = fields.slice(2, -1).join(', ');
    if (!/^\d+$/.test(indexField)) throw new Error(`nvidia-smi line ${lineNo + 1} has a bad GPU index "${indexField}": "${line}"`);
    if (!uuid) throw new Error(`nvidia-smi line ${lineNo + 1} has no GPU uuid: "${line}"`);
    const memoryMib = /^\d+(\.\d+)?$/.test(memoryField) ? Math.floor(Number(memoryField)) : 0;
    gpus.push({ index: Number(indexField), uuid, model, memoryMib, healthy: true });
  });
  return gpus.sort((a, b) => a.index - b.index);
}
