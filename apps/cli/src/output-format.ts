import { API_VERSION, KINDS, metaOf, toDisplayObject, unwrap, type KindName, type Resource, type ResourceTypes } from '@helios/api';
import { stringify } from 'yaml';
import { tableOf } from './columns';
import { formatTable } from './table';

/** What `-o` accepts. */
export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml', 'name'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** `nodepool/gpu-a`: how kubectl names one object on a line. */
export function resourceRef(kind: KindName, name: string): string {
  return `${KINDS[kind].display.toLowerCase()}/${name}`;
}

/** Items of one kind out of Resources (a server never mixes kinds in one answer). */
export function itemsOf<K extends KindName>(kind: K, resources: readonly Resource[]): ResourceTypes[K][] {
  return resources.flatMap((r) => {
    const u = unwrap(r);
    return u && u.name === kind ? [u.resource as ResourceTypes[K]] : [];
  });
}

/** JSON with two-space indent and a final newline, as `kubectl get -o json` prints. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** YAML without line folding, so long commands and messages stay on one line. */
export function toYamlText(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

/**
 * Renders the answer of `helios get` in a format. `single` (a get by one name) prints the object
 * alone; otherwise json/yaml print a `List` of display objects, as kubectl does.
 * Returns what goes to stdout; '' when a table would have no rows (the caller says so on stderr).
 */
export function renderGet(format: OutputFormat, kind: KindName, resources: readonly Resource[], single: boolean, now: number): string {
  switch (format) {
    case 'json':
    case 'yaml': {
      const displays = resources.map(toDisplayObject);
      const value = single && displays.length === 1 ? displays[0] : { apiVersion: API_VERSION, kind: 'List', items: displays };
      return format === 'json' ? toJsonText(value) : toYamlText(value);
    }
    case 'name':
      return itemsOf(kind, resources).map((r) => `${resourceRef(kind, metaOf(r).name)}\n`).join('');
    case 'table':
    case 'wide': {
      const items = itemsOf(kind, resources);
      if (items.length === 0) return '';
      const { header, rows } = tableOf(kind, items, format === 'wide', now);
      return formatTable(header, rows);
    }
  }
}
