import { KINDS, metaOf, toDisplayObject, unwrap, type KindInfo, type Resource } from '@helios/api';
import type { CliContext } from '../cli-context';
import { CliError, UsageError } from '../cli-error';
import { tableOf } from '../columns';
import { parentFor, resolveKind, type ParentFlags } from '../kind-word';
import { parseLabelSelector } from '../label-selector';
import { itemsOf, renderGet, resourceRef, toJsonText, toYamlText, type OutputFormat } from '../output-format';
import { StreamingTable } from '../table';

export interface GetOptions extends ParentFlags {
  output: OutputFormat;
  selector?: string;
  watch: boolean;
}

/**
 * `helios get KIND [NAME...]`: one name prints the object alone, otherwise a list; `-w` keeps
 * printing as objects change, until Ctrl-C.
 */
export async function getCommand(ctx: CliContext, kindWord: string, names: string[], options: GetOptions): Promise<void> {
  const info = resolveKind(kindWord);
  const parent = parentFor(info.name, options);
  if (names.length > 0 && options.selector !== undefined) throw new UsageError('a NAME and a label selector (-l) cannot be combined');
  const labelSelector = options.selector === undefined ? {} : parseLabelSelector(options.selector);
  if (options.watch) return watch(ctx, info, names, parent, labelSelector, options.output);

  const api = ctx.api();
  const resources: Resource[] = [];
  if (names.length > 0) {
    for (const name of names) resources.push(await api.get({ kind: info.kind, name, parent }));
  } else {
    resources.push(...(await api.list({ kind: info.kind, parent, labelSelector })).items);
  }
  const text = renderGet(options.output, info.name, resources, names.length === 1, ctx.now());
  if (text === '') ctx.err('No resources found.\n');
  else ctx.out(text);
}

/**
 * Lists, prints, then watches from the list's revision, as kubectl does: the table's columns are
 * sized by the initial list and every event adds a row.
 */
async function watch(ctx: CliContext, info: KindInfo, names: string[], parent: string, labelSelector: Record<string, string>, format: OutputFormat): Promise<void> {
  const api = ctx.api();
  const wanted = (r: Resource | undefined) => {
    const u = unwrap(r);
    return u !== undefined && u.name === info.name && (names.length === 0 || names.includes(metaOf(u.resource).name));
  };
  const list = await api.list({ kind: info.kind, parent, labelSelector });
  const initial = list.items.filter(wanted);
  const missing = names.filter((n) => !initial.some((r) => metaOf(unwrap(r)!.resource).name === n));
  if (missing.length > 0) throw new CliError(`${KINDS[info.name].display} "${missing[0]}" not found`);

  const wide = format === 'wide';
  const table = format === 'table' || wide ? new StreamingTable(tableOf(info.name, [], wide, 0).header, tableOf(info.name, itemsOf(info.name, initial), wide, ctx.now()).rows) : undefined;
  const print = (resources: Resource[]) => {
    if (resources.length === 0) return;
    if (table) ctx.out(table.lines(tableOf(info.name, itemsOf(info.name, resources), wide, ctx.now()).rows));
    else if (format === 'json') ctx.out(resources.map((r) => toJsonText(toDisplayObject(r))).join(''));
    else if (format === 'yaml') ctx.out(resources.map((r) => `---\n${toYamlText(toDisplayObject(r))}`).join(''));
    else ctx.out(itemsOf(info.name, resources).map((r) => `${resourceRef(info.name, metaOf(r).name)}\n`).join(''));
  };
  print(initial);

  const handle = api.watch({ kind: info.kind, parent, labelSelector, resourceVersion: list.resourceVersion, sendInitialEvents: false }, (event) => {
    if (wanted(event.resource)) print([event.resource!]);
  });
  const unsubscribe = ctx.onInterrupt(() => handle.cancel());
  try {
    await handle.done;
  } finally {
    unsubscribe();
  }
}
