import { status } from '@grpc/grpc-js';
import { KINDS, type KindName } from '@helios/api';
import type { CliContext } from '../cli-context';
import { UsageError } from '../cli-error';
import { parentFor, resolveKind, type ParentFlags } from '../kind-word';
import { decodeSources } from '../manifest-documents';
import { RpcError } from '../rpc-failure';

export interface DeleteOptions extends ParentFlags {
  filename: string[];
  ignoreNotFound: boolean;
}

/**
 * `helios delete KIND NAME...` or `helios delete -f FILE...`: deletes each object in order and
 * prints `nodepool "gpu-a" deleted`. Files are decoded whole first, like apply.
 */
export async function deleteCommand(ctx: CliContext, kindWord: string | undefined, names: string[], options: DeleteOptions): Promise<void> {
  const targets: { kind: KindName; name: string; parent: string }[] = [];
  if (options.filename.length > 0) {
    if (kindWord !== undefined) throw new UsageError('give either KIND NAME or -f FILE, not both');
    targets.push(...decodeSources(await ctx.readSources(options.filename)));
  } else {
    if (kindWord === undefined) throw new UsageError('delete needs KIND NAME... or -f FILE');
    const info = resolveKind(kindWord);
    if (names.length === 0) throw new UsageError(`delete ${kindWord} needs at least one NAME`);
    const parent = parentFor(info.name, options);
    targets.push(...names.map((name) => ({ kind: info.name, name, parent })));
  }
  const api = ctx.api();
  for (const t of targets) {
    try {
      await api.delete({ kind: KINDS[t.kind].kind, name: t.name, parent: t.parent, resourceVersion: 0 });
    } catch (e) {
      if (options.ignoreNotFound && e instanceof RpcError && e.code === status.NOT_FOUND) continue;
      throw e;
    }
    ctx.out(`${KINDS[t.kind].display.toLowerCase()} "${t.name}" deleted\n`);
  }
}
