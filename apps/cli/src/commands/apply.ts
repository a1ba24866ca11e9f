import type { CliContext } from '../cli-context';
import { UsageError } from '../cli-error';
import { decodeSources } from '../manifest-documents';
import { resourceRef } from '../output-format';

export interface ApplyOptions {
  filename: string[];
  dryRun: boolean;
}

/**
 * `helios apply -f FILE...`: decodes every document of every file first, so one bad document
 * sends nothing; then has the server validate every document as a dry run, so one document the
 * server refuses (min > max, a changed immutable field) writes nothing either; only then applies
 * them in order, printing `nodepool/gpu-a created|configured|unchanged`.
 */
export async function applyCommand(ctx: CliContext, options: ApplyOptions): Promise<void> {
  if (options.filename.length === 0) throw new UsageError('apply needs -f FILE (a file, a directory, or - for stdin)');
  const manifests = decodeSources(await ctx.readSources(options.filename));
  const api = ctx.api();
  if (!options.dryRun) {
    for (const m of manifests) await api.apply({ resource: m.resource, dryRun: true });
  }
  for (const m of manifests) {
    const response = await api.apply({ resource: m.resource, dryRun: options.dryRun });
    ctx.out(`${resourceRef(m.kind, m.name)} ${response.result || 'configured'}${options.dryRun ? ' (dry run)' : ''}\n`);
  }
}
