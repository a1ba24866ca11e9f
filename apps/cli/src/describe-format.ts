import { toDisplayObject, type JsonObject, type JsonValue, type Resource } from '@helios/api';
import { age } from './human-duration';
import { formatTable } from './table';

/** One line of a describe page: a label at a depth, and a value unless it opens a block. */
interface Line {
  depth: number;
  label: string;
  value?: string;
  /** Pre-formatted lines (a sub-table), printed as they are under the label. */
  raw?: string[];
}

const NONE = '<none>';
// Map fields inside spec and status (proto `map<>`): their keys are data, printed `KEY=value` as
// they are, not humanized like field names. The display object no longer says which objects are maps.
const MAP_FIELDS = new Set(['env', 'labels', 'annotations']);
// Lists that are one argv, read as a command line rather than as items.
const ARGV_FIELDS = new Set(['command']);
const ACRONYMS: Record<string, string> = { gpu: 'GPU', gpus: 'GPUs', id: 'ID', uid: 'UID', mib: 'MiB', ttl: 'TTL' };

/** `gpuIndices` -> `GPU Indices`, `maxSurge` -> `Max Surge`: field names as describe prints them. */
export function humanizeField(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(' ')
    .map((w) => ACRONYMS[w.toLowerCase()] ?? w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/**
 * Formats one resource for people, in `kubectl describe` style: metadata first, then the spec and
 * the status as indented `Label: value` blocks with values aligned, lists of flat records as small
 * tables, and the conditions as a table of their own at the end.
 */
export function describeResource(resource: Resource, now: number): string {
  const display = toDisplayObject(resource);
  const meta = (display.metadata ?? {}) as JsonObject;
  const status = { ...((display.status ?? {}) as JsonObject) };
  const conditions = Array.isArray(status['conditions']) ? (status['conditions'] as JsonObject[]) : [];
  delete status['conditions'];

  const lines: Line[] = [
    { depth: 0, label: 'Name', value: String(meta['name'] ?? '') },
    { depth: 0, label: 'Kind', value: display.kind },
    ...mapLines(0, 'Labels', meta['labels']),
    ...mapLines(0, 'Annotations', meta['annotations']),
    { depth: 0, label: 'UID', value: String(meta['uid'] ?? NONE) },
    { depth: 0, label: 'Generation', value: String(meta['generation'] ?? 0) },
    { depth: 0, label: 'Resource Version', value: String(meta['resourceVersion'] ?? 0) },
    { depth: 0, label: 'Created', value: timestamp(meta['createdAt'], now) },
    ...section('Spec', display.spec, now),
    ...section('Status', display.status === undefined ? undefined : status, now),
  ];
  const conditionTable = conditions.length
    ? formatTable(
        ['Type', 'Status', 'Reason', 'Message', 'Age'],
        conditions.map((c) => [str(c['type']), str(c['status']), str(c['reason']), str(c['message']), typeof c['lastTransitionTime'] === 'string' ? age(c['lastTransitionTime'], now) : NONE]),
      )
        .trimEnd()
        .split('\n')
    : undefined;
  lines.push(conditionTable ? { depth: 0, label: 'Conditions', raw: conditionTable } : { depth: 0, label: 'Conditions', value: NONE });
  return render(lines);
}

function str(value: JsonValue | undefined): string {
  return value === undefined || value === null || value === '' ? NONE : String(value);
}

function timestamp(value: JsonValue | undefined, now: number): string {
  return typeof value === 'string' ? `${value} (${age(value, now)} ago)` : NONE;
}

function mapLines(depth: number, label: string, value: JsonValue | undefined): Line[] {
  const entries = value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
  if (entries.length === 0) return [{ depth, label, value: NONE }];
  return entries.map(([k, v], i) => ({ depth, label: i === 0 ? label : '', value: `${k}=${String(v)}` }));
}

function section(label: string, body: JsonObject | undefined, now: number): Line[] {
  if (body === undefined || Object.keys(body).length === 0) return [{ depth: 0, label, value: NONE }];
  return [{ depth: 0, label }, ...objectLines(1, body, now)];
}

function isRecord(value: JsonValue): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: JsonValue): value is string | number | boolean | null {
  return value === null || typeof value !== 'object';
}

function objectLines(depth: number, body: JsonObject, now: number): Line[] {
  const lines: Line[] = [];
  for (const [key, value] of Object.entries(body)) {
    const label = humanizeField(key);
    if (isScalar(value)) {
      lines.push({ depth, label, value: /(Time|At)$/.test(key) && typeof value === 'string' ? timestamp(value, now) : String(value) });
    } else if (Array.isArray(value)) {
      lines.push(...listLines(depth, label, value, now, ARGV_FIELDS.has(key) ? ' ' : ', '));
    } else if (MAP_FIELDS.has(key)) {
      lines.push(...mapLines(depth, label, value));
    } else {
      lines.push({ depth, label }, ...objectLines(depth + 1, value, now));
    }
  }
  return lines;
}

function listLines(depth: number, label: string, items: JsonValue[], now: number, separator: string): Line[] {
  if (items.every(isScalar)) return [{ depth, label, value: items.map(String).join(separator) }];
  const records = items.filter(isRecord);
  // Flat records (GPU capacities, GPUs) read best as a table; nested ones as numbered blocks.
  if (records.length === items.length && records.every((r) => Object.values(r).every(isScalar))) {
    const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
    const table = formatTable(keys.map(humanizeField), records.map((r) => keys.map((k) => str(r[k])))).trimEnd().split('\n');
    return [{ depth, label, raw: table }];
  }
  return [{ depth, label }, ...items.flatMap((item, i) => (isRecord(item) ? [{ depth: depth + 1, label: `[${i}]` }, ...objectLines(depth + 2, item, now)] : [{ depth: depth + 1, label: `[${i}]`, value: String(item) }]))];
}

function render(lines: Line[]): string {
  const labelWidth = (l: Line) => l.depth * 2 + l.label.length + 1;
  const column = Math.max(...lines.filter((l) => l.value !== undefined).map(labelWidth)) + 2;
  const out: string[] = [];
  for (const l of lines) {
    const indent = '  '.repeat(l.depth);
    if (l.raw) {
      out.push(`${indent}${l.label}:`, ...l.raw.map((r) => `${indent}  ${r}`));
    } else if (l.value === undefined) {
      out.push(`${indent}${l.label}:`);
    } else {
      const head = l.label ? `${indent}${l.label}:` : '';
      out.push(`${head.padEnd(column)}${l.value}`);
    }
  }
  return out.join('\n') + '\n';
}
