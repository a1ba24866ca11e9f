import type { CliContext } from '../cli-context';
import { UsageError } from '../cli-error';
import { parseDeploymentRef } from '../deployment-ref';

/** Options of `helios scale`. */
export interface ScaleOptions {
  replicas?: string;
}

/** `helios scale deployment/NAME --replicas N`: sets spec.replicas; prints `deployment/NAME scaled`. */
export async function scaleCommand(ctx: CliContext, words: string[], options: ScaleOptions): Promise<void> {
  const name = parseDeploymentRef(words, 'scale');
  if (options.replicas === undefined) throw new UsageError('scale needs --replicas N');
  if (!/^\d+$/.test(options.replicas)) throw new UsageError(`--replicas "${options.replicas}": expected a whole number >= 0`);
  await ctx.api().scale({ deployment: name, replicas: Number(options.replicas) });
  ctx.out(`deployment/${name} scaled\n`);
}
