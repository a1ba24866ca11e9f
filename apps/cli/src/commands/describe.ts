import type { Resource } from '@helios/api';
import type { CliContext } from '../cli-context';
import { UsageError } from '../cli-error';
import { describeResource } from '../describe-format';
import { parentFor, resolveKind, type ParentFlags } from '../kind-word';
import { parseLabelSelector } from '../label-selector';

export interface DescribeOptions extends ParentFlags {
  selector?: string;
}

/** `helios describe KIND [NAME...]`: each object as human-readable sections, a blank line apart. */
export async function describeCommand(ctx: CliContext, kindWord: string, names: string[], options: DescribeOptions): Promise<void> {
  const info = resolveKind(kindWord);
  const parent = parentFor(info.name, options);
  if (names.length > 0 && options.selector !== undefined) throw new UsageError('a NAME and a label selector (-l) cannot be combined');
  const api = ctx.api();
  const resources: Resource[] = [];
  if (names.length > 0) {
    for (const name of names) resources.push(await api.get({ kind: info.kind, name, parent }));
  } else {
    const labelSelector = options.selector === undefined ? {} : parseLabelSelector(options.selector);
    resources.push(...(await api.list({ kind: info.kind, parent, labelSelector })).items);
  }
  if (resources.length === 0) {
    ctx.err('No resources found.\n');
    return;
  }
  const now = ctx.now();
  ctx.out(resources.map((r) => describeResource(r, now)).join('\n'));
}
